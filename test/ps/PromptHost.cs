// A PowerShell host for the tests whose confirmation prompts the test answers (test/ps/Remoting.Tests.ps1).
// C#, not a PowerShell class: a class's methods run in the runspace that defined it, which is busy
// waiting for the pipeline that prompts.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace KmsTest
{
    // A host whose prompts are answered by the test: Yes when the prompt's text holds one of YesFor, else No.
    // Every prompt's text is kept; a prompt that holds ChangeOnPrompt first appends a line to ChangePath,
    // as another program would change the record between the plan and the change.
    public class PromptHost : PSHost
    {
        private readonly PromptUI ui = new PromptUI();
        private readonly Guid id = Guid.NewGuid();
        public PromptUI Answers { get { return ui; } }
        public override CultureInfo CurrentCulture { get { return CultureInfo.InvariantCulture; } }
        public override CultureInfo CurrentUICulture { get { return CultureInfo.InvariantCulture; } }
        public override Guid InstanceId { get { return id; } }
        public override string Name { get { return "KmsTestPromptHost"; } }
        public override PSHostUserInterface UI { get { return ui; } }
        public override Version Version { get { return new Version(1, 0); } }
        public override void EnterNestedPrompt() { throw new NotSupportedException(); }
        public override void ExitNestedPrompt() { throw new NotSupportedException(); }
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    public class PromptUI : PSHostUserInterface
    {
        public List<string> Prompts = new List<string>();
        public List<string> Output = new List<string>();
        public string[] YesFor = new string[0];
        public string ChangeOnPrompt;
        public string ChangePath;
        public override PSHostRawUserInterface RawUI { get { return null; } }
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(message);
            if (ChangeOnPrompt != null && message.Contains(ChangeOnPrompt)) System.IO.File.AppendAllText(ChangePath, "Changed = 1\r\n");
            bool yes = false;
            foreach (string s in YesFor) if (message.Contains(s)) yes = true;
            string want = yes ? "&Yes" : "&No";
            for (int i = 0; i < choices.Count; i++) if (choices[i].Label == want) return i;
            throw new InvalidOperationException("no choice " + want);
        }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) { throw new NotSupportedException(); }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) { throw new NotSupportedException(); }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) { throw new NotSupportedException(); }
        public override string ReadLine() { throw new NotSupportedException(); }
        public override SecureString ReadLineAsSecureString() { throw new NotSupportedException(); }
        public override void Write(string value) { Output.Add(value); }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { Output.Add(value); }
        public override void WriteLine(string value) { Output.Add(value); }
        public override void WriteErrorLine(string value) { Output.Add(value); }
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { Output.Add(message); }
    }
}
