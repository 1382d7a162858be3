// Test tool for the Windows lane: a minimal PowerShell host compiled as pwsh.dll and dropped into
// a copy of PowerShell for Windows, because pwsh's own console host does not start under wine
// without a real console. It runs `-File script [args]` or `-Command text`, like pwsh, and maps
// `exit N`, terminating errors and `$?` to the exit code as pwsh does.
//
// What it is not: no prompts are shown (under -NonInteractive a prompt fails as it does in pwsh;
// otherwise it takes the default choice), and progress is dropped.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text.RegularExpressions;

sealed class RawUI : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get; set; } = new Size(250, 9999);
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 25;
    public override Size MaxPhysicalWindowSize => new Size(250, 50);
    public override Size MaxWindowSize => new Size(250, 50);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; } = new Size(250, 50);
    public override string WindowTitle { get; set; } = "windows-lane";
    public override bool KeyAvailable => false;
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle r) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions o) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle s, Coordinates d, Rectangle c, BufferCell f) { }
    public override void SetBufferContents(Coordinates o, BufferCell[,] c) { }
    public override void SetBufferContents(Rectangle r, BufferCell f) { }
}

sealed class UI : PSHostUserInterface
{
    // Escape sequences would only clutter the logs the lane writes.
    static readonly Regex Ansi = new Regex("\x1b\\[[0-9;?]*[A-Za-z]");
    static string Plain(string v) => v == null ? v : Ansi.Replace(v, "");

    readonly RawUI raw = new RawUI();
    readonly bool interactive;
    public UI(bool interactive) { this.interactive = interactive; }

    PSInvalidOperationException NoPrompt() =>
        new PSInvalidOperationException("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.");

    public override PSHostRawUserInterface RawUI => raw;
    public override bool SupportsVirtualTerminal => false;
    public override void Write(string v) => Console.Out.Write(Plain(v));
    public override void Write(ConsoleColor f, ConsoleColor b, string v) => Console.Out.Write(Plain(v));
    public override void WriteLine(string v) => Console.Out.WriteLine(Plain(v));
    public override void WriteErrorLine(string v) => Console.Error.WriteLine(Plain(v));
    public override void WriteDebugLine(string v) => Console.Out.WriteLine("DEBUG: " + Plain(v));
    public override void WriteVerboseLine(string v) => Console.Out.WriteLine("VERBOSE: " + Plain(v));
    public override void WriteWarningLine(string v) => Console.Out.WriteLine("WARNING: " + Plain(v));
    public override void WriteProgress(long id, ProgressRecord r) { }
    public override string ReadLine() => interactive ? Console.In.ReadLine() : throw NoPrompt();
    public override SecureString ReadLineAsSecureString() => throw NoPrompt();
    public override Dictionary<string, PSObject> Prompt(string c, string m, Collection<FieldDescription> d) => throw NoPrompt();
    public override int PromptForChoice(string c, string m, Collection<ChoiceDescription> choices, int d) => interactive ? d : throw NoPrompt();
    public override PSCredential PromptForCredential(string c, string m, string u, string t) => throw NoPrompt();
    public override PSCredential PromptForCredential(string c, string m, string u, string t, PSCredentialTypes a, PSCredentialUIOptions o) => throw NoPrompt();
}

sealed class Host : PSHost
{
    readonly UI ui;
    public Host(bool interactive) { ui = new UI(interactive); }
    public int? ExitCode { get; private set; }
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    // Modules that look for the console host by name find it.
    public override string Name => "ConsoleHost";
    public override PSHostUserInterface UI => ui;
    public override Version Version => new Version(7, 6, 9);
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { ExitCode = exitCode; }
}

static class Program
{
    static int Main(string[] args)
    {
        int code = 1;
        // Pester's deep call stacks need more than the default 1 MiB main-thread stack under wine.
        var worker = new System.Threading.Thread(() => { code = Run(args); }, 256 * 1024 * 1024);
        worker.Start();
        worker.Join();
        return code;
    }

    static int Run(string[] args)
    {
        string command = null, file = null;
        bool interactive = true;
        var fileArgs = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i].ToLowerInvariant())
            {
                case "-noprofile": case "-nologo": continue;
                case "-noninteractive": interactive = false; continue;
                case "-command": case "-c":
                    command = string.Join(" ", args, i + 1, args.Length - i - 1);
                    i = args.Length;
                    continue;
                case "-file": case "-f":
                    if (i + 1 >= args.Length) { Console.Error.WriteLine("-File needs a script path."); return 64; }
                    file = args[i + 1];
                    for (int j = i + 2; j < args.Length; j++) fileArgs.Add(args[j]);
                    i = args.Length;
                    continue;
                default:
                    command = string.Join(" ", args, i, args.Length - i);
                    i = args.Length;
                    continue;
            }
        }

        Console.OutputEncoding = new System.Text.UTF8Encoding(false);
        var host = new Host(interactive);
        var state = InitialSessionState.CreateDefault2();
        state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        using var runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        Invoke(runspace, "$PSStyle.OutputRendering = 'PlainText'");

        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        if (file != null)
        {
            ps.AddCommand(file);
            AddFileArguments(ps, fileArgs);
        }
        else
        {
            // pwsh -Command exits with 1 when the last statement failed ($? is false).
            ps.AddScript((command ?? "") + "\n$global:__laneLastOk = $?");
        }
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        ps.AddCommand("Out-Default");

        // As pwsh -File does: the script's `exit N` ends the run with N. Without this the script's
        // command processor keeps the exit to itself (it only sets $LASTEXITCODE), and every -File
        // run would exit 0 whatever the script said.
        if (file != null) RethrowScriptExit(runspace);

        bool failed;
        try
        {
            ps.Invoke();
            // A -File script exits 0 unless it says otherwise or a terminating error ends it (caught below).
            failed = file == null && !LastOk(runspace);
        }
        catch (RuntimeException e)
        {
            Console.Error.WriteLine(e.ErrorRecord?.ToString() ?? e.Message);
            failed = true;
        }
        Console.Out.Flush();
        return host.ExitCode ?? (failed ? 1 : 0);
    }

    // As pwsh -File binds them: `-Name value`, `-Name:value`, a lone `-Switch`, else positional.
    static void AddFileArguments(PowerShell ps, List<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a.Length < 2 || a[0] != '-' || char.IsDigit(a[1])) { ps.AddArgument(a); continue; }
            var colon = a.IndexOf(':');
            if (colon > 0) { ps.AddParameter(a.Substring(1, colon - 1), a.Substring(colon + 1)); continue; }
            if (i + 1 < args.Count && !args[i + 1].StartsWith("-")) { ps.AddParameter(a.Substring(1), args[++i]); continue; }
            ps.AddParameter(a.Substring(1), true);
        }
    }

    // pwsh's console host sets this internal flag of the engine for -File (ConsoleHost.cs); a host of
    // our own can reach it only by reflection. Missing, the lane would pass exits off as 0: stop instead.
    static void RethrowScriptExit(Runspace runspace)
    {
        const System.Reflection.BindingFlags Internal = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public;
        object context = null;
        for (var type = runspace.GetType(); type != null && context == null; type = type.BaseType)
            context = type.GetProperty("ExecutionContext", Internal)?.GetValue(runspace) ?? type.GetProperty("GetExecutionContext", Internal)?.GetValue(runspace);
        var flag = context?.GetType().GetProperty("ScriptCommandProcessorShouldRethrowExit", Internal);
        if (flag == null) throw new InvalidOperationException("This PowerShell has no ExecutionContext.ScriptCommandProcessorShouldRethrowExit: the host cannot make -File keep the script's exit code.");
        flag.SetValue(context, true);
    }

    static bool LastOk(Runspace runspace)
    {
        var value = runspace.SessionStateProxy.GetVariable("__laneLastOk");
        return value is bool ok && ok;
    }

    static void Invoke(Runspace runspace, string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script).Invoke();
    }
}
