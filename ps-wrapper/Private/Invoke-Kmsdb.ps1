function Invoke-Kmsdb {
    <#
    .SYNOPSIS
    Runs one kmsdb command and emits each object it prints, as it prints it.

    .DESCRIPTION
    The only place that starts kmsdb. The command goes in as one JSON request
    on stdin (kmsdb --request -), so no path or pattern is ever quoted on a
    command line. Stdout is read as UTF-8 NDJSON, line by line, and each line
    is emitted at once. On stderr, progress lines become Write-Progress, the
    last line reports the exit code kmsdb chose, and other lines are its
    messages; Write-KmsdbExit turns the outcome into errors.

    With -Consent, kmsdb plans before it changes anything (the request's
    confirm): the plan's lines go to the -Consent script block, not to the
    output, and what it answers (the plan's indexes of the records to change,
    and their input objects) is sent back; only then does kmsdb change
    exactly those records. A pipeline that stops before the answer leaves
    kmsdb with no answer, and it changes nothing.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $Request,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # What an error of the whole command names as its target.
        [object] $TargetObject,

        # The input object of each record the request names, in order: one that gets no answer gets an error of its own.
        [object[]] $RecordTargets = @(),

        # Called with the plan (kmsdb's what-if result of each record); returns @{ Confirm = [int[]]; Targets = [object[]] }.
        [scriptblock] $Consent,

        # With -Consent: how each answer becomes what is emitted (ConvertTo-KmsChangeAnswer), instead of the answer itself.
        [hashtable] $Answers,

        # With -Consent: a run answered earlier that is still changing records. It is read while this
        # one plans, and finished (its results emitted, its errors written) before this plan is asked
        # about, so that the caller sees everything in the order of runs that follow each other.
        [hashtable] $Previous,

        # With -Consent: return once the plan is answered, and leave the run in $Holder.Run for
        # Receive-KmsdbRun to finish while the caller goes on reading its input.
        [hashtable] $Holder
    )

    $executable = Get-KmsdbExecutable -Cmdlet $Cmdlet
    $utf8 = New-Object System.Text.UTF8Encoding ($false)
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $executable
    $startInfo.Arguments = '--request -'
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = $utf8
    $startInfo.StandardErrorEncoding = $utf8

    $activity = 'kmsdb {0}' -f $Request['command']
    # A start that fails (AppLocker, WDAC, antivirus, access denied) is a KmsdbFailed error like any other end.
    $process = Invoke-KmsProbe -ArgumentList @($startInfo) -ScriptBlock {
        param($StartInfo)
        try { [System.Diagnostics.Process]::Start($StartInfo) } catch { $_.Exception }
    }
    if ($process -isnot [System.Diagnostics.Process]) {
        $reason = $process
        while ($reason -is [System.Management.Automation.MethodInvocationException] -and $reason.InnerException) { $reason = $reason.InnerException }
        if ($Previous) {
            Receive-KmsdbRun -Run $Previous -Until End
            Close-KmsdbRun -Run $Previous
        }
        Write-KmsdbExit -Cmdlet $Cmdlet -NotStarted ('{0}: {1}' -f $executable, $reason.Message) -TargetObject $TargetObject -Unanswered $RecordTargets
        return
    }
    $run = @{
        Process       = $process
        Request       = $Request
        Cmdlet        = $Cmdlet
        TargetObject  = $TargetObject
        RecordTargets = $RecordTargets
        Consent       = $Consent
        Answers       = $Answers
        Previous      = $Previous
        Planning      = [bool]$Consent
        PlanEnded     = $false
        Plan          = New-Object System.Collections.Generic.List[object]
        Messages      = New-Object System.Collections.Generic.List[string]
        Reported      = $null
        Reason        = $null
        Answered      = 0
        Garbled       = $false
        Activity      = $activity
        Utf8          = $utf8
        Out           = $null
        Err           = $null
        Ended         = $false
        Closed        = $false
    }
    $detached = $false
    try {
        if ($run.Planning) { $Request['confirm'] = $true }
        # One line: with -Consent, the answer follows it on the same stdin.
        $bytes = $utf8.GetBytes((ConvertTo-Json -InputObject $Request -Depth 8 -Compress) + "`n")
        $null = Invoke-KmsProbe -ArgumentList @($process, $bytes, (-not $run.Planning)) -ScriptBlock $script:KmsdbSend
        $run.Out = $process.StandardOutput.ReadLineAsync()
        $run.Err = $process.StandardError.ReadLineAsync()
        if ($run.Planning) {
            Receive-KmsdbRun -Run $run -Until Answered
            if ($run.PlanEnded) {
                # Whatever an earlier run still has to say comes first, as if the runs followed each other.
                if ($Previous) {
                    Receive-KmsdbRun -Run $Previous -Until End
                    Close-KmsdbRun -Run $Previous
                    $run.Previous = $null
                }
                # Every prompt is asked here, while kmsdb waits; it has changed nothing yet. (Called here, in
                # an advanced function, the exception Test-KmsConsent catches reaches no -ErrorVariable.)
                $decision = & $Consent $run.Plan.ToArray()
                $run.RecordTargets = @($decision.Targets)
                $reply = $utf8.GetBytes(('{{"confirm":[{0}]}}' -f (@($decision.Confirm) -join ',')) + "`n")
                $null = Invoke-KmsProbe -ArgumentList @($process, $reply, $true) -ScriptBlock $script:KmsdbSend
                $run.Planning = $false
                if ($Holder) {
                    $Holder.Run = $run
                    $script:KmsdbRuns.Add($run)
                    $detached = $true
                    return
                }
            }
        }
        Receive-KmsdbRun -Run $run -Until End
    } finally {
        if (-not $detached) { Close-KmsdbRun -Run $run }
    }
}
