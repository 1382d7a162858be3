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
        [scriptblock] $Consent
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
        Write-KmsdbExit -Cmdlet $Cmdlet -NotStarted ('{0}: {1}' -f $executable, $reason.Message) -TargetObject $TargetObject -Unanswered $RecordTargets
        return
    }
    # Writes to kmsdb's stdin, and closes it when asked; a kmsdb that has died ends the pipe, and its exit code and stderr say why, below.
    $send = {
        param($Process, $Bytes, $Close)
        try {
            $Process.StandardInput.BaseStream.Write($Bytes, 0, $Bytes.Length)
            $Process.StandardInput.BaseStream.Flush()
            if ($Close) { $Process.StandardInput.Close() }
        } catch { $null = $_ }
    }
    $planning = [bool]$Consent
    try {
        if ($planning) { $Request['confirm'] = $true }
        # One line: with -Consent, the answer follows it on the same stdin.
        $bytes = $utf8.GetBytes((ConvertTo-Json -InputObject $Request -Depth 8 -Compress) + "`n")
        $null = Invoke-KmsProbe -ArgumentList @($process, $bytes, (-not $planning)) -ScriptBlock $send
        $plan = New-Object System.Collections.Generic.List[object]

        $messages = New-Object System.Collections.Generic.List[string]
        $reported = $null
        $reason = $null
        $answers = 0
        $garbled = $false
        $jsonError = $null
        $outTask = $process.StandardOutput.ReadLineAsync()
        $errTask = $process.StandardError.ReadLineAsync()
        # Both streams are read at once, so that neither can fill up and stall kmsdb.
        while ($null -ne $outTask -or $null -ne $errTask) {
            $pending = New-Object System.Collections.Generic.List[System.Threading.Tasks.Task]
            if ($null -ne $outTask) { $pending.Add($outTask) }
            if ($null -ne $errTask) { $pending.Add($errTask) }
            [void][System.Threading.Tasks.Task]::WaitAny($pending.ToArray(), 250)

            if ($null -ne $errTask -and $errTask.IsCompleted) {
                $line = $errTask.Result
                if ($null -eq $line) {
                    $errTask = $null
                } else {
                    $errTask = $process.StandardError.ReadLineAsync()
                    # The exit report counts only as the last line.
                    $reported = $null
                    $reason = $null
                    $notice = $null
                    if ($line.StartsWith('{"type":') -and $line.EndsWith('}')) { $notice = ConvertFrom-Json -InputObject $line }
                    if ($null -ne $notice -and $notice.type -eq 'progress') {
                        $progress = $notice
                        $percent = 100
                        if ($progress.total -gt 0) { $percent = [Math]::Min(100, [int](100 * $progress.done / $progress.total)) }
                        $activity = $progress.activity
                        Write-Progress -Activity $activity -Status ('{0} of {1}' -f $progress.done, $progress.total) -PercentComplete $percent
                    } elseif ($null -ne $notice -and $notice.type -eq 'folders') {
                        # Where kmsdb itself resolved them (an option, the settings file or its default), not a guess of the module's.
                        $Cmdlet.WriteVerbose((ConvertTo-KmsPrintable -Text ('kmsdb {0} in {1}: backups go to {2}, and the audit log is {3}.' -f $Request['command'], $notice.database, $notice.backupDir, $notice.log)))
                    } elseif ($null -ne $notice -and $notice.type -eq 'exit') {
                        $reported = $notice.code
                        if ($notice.PSObject.Properties['reason']) { $reason = [string]$notice.reason }
                    } elseif ($line.StartsWith('kmsdb: warning: ')) {
                        $Cmdlet.WriteWarning($line.Substring(16))
                    } elseif ($line.Trim()) {
                        $messages.Add($line)
                    }
                }
            }
            if ($null -ne $outTask -and $outTask.IsCompleted) {
                $line = $outTask.Result
                if ($null -eq $line) {
                    $outTask = $null
                } else {
                    $outTask = $process.StandardOutput.ReadLineAsync()
                    if ($planning -and $line -eq '{"type":"plan-end"}') {
                        # Every prompt is asked here, while kmsdb waits; it has changed nothing yet.
                        $decision = & $Consent $plan.ToArray()
                        $RecordTargets = @($decision.Targets)
                        $reply = $utf8.GetBytes(('{{"confirm":[{0}]}}' -f (@($decision.Confirm) -join ',')) + "`n")
                        $null = Invoke-KmsProbe -ArgumentList @($process, $reply, $true) -ScriptBlock $send
                        $planning = $false
                    } elseif ($line.Trim()) {
                        # A whole line is one JSON object; only one that is not (cut off by a crash,
                        # say) takes the slower parse that leaves no error behind.
                        # JsonObject is what ConvertFrom-Json calls (in 5.1 too), without a command's cost per line.
                        $answer = $null
                        # It throws on some text that is not JSON and only reports other text through the error: both are no answer.
                        if ($line.StartsWith('{') -and $line.EndsWith('}')) {
                            try { $answer = [Microsoft.PowerShell.Commands.JsonObject]::ConvertFromJson($line, [ref]$jsonError) } catch { $answer = $null }
                        } else {
                            $answer = ConvertFrom-KmsdbJson -Line $line
                        }
                        # A line that is not JSON (cut off by a crash, say) is no answer.
                        if ($null -eq $answer) { $garbled = $true } elseif ($planning) { $plan.Add($answer) } else { $answers++; $answer }
                    }
                }
            }
        }
        $process.WaitForExit()
        if ($garbled) { $reported = $null; $messages.Add('It printed a line that is not JSON.') }
        Write-KmsdbExit -Cmdlet $Cmdlet -Code $process.ExitCode -Reported $reported -Reason $reason -Messages $messages -TargetObject $TargetObject -Unanswered @($RecordTargets | Select-Object -Skip $answers)
    } finally {
        # Reached early when a later command stops the pipeline (Select-Object -First, Ctrl+C,
        # -ErrorAction Stop). Unanswered, a plan changes nothing: end kmsdb's input so that it ends.
        # A change that was answered already: let it finish, so that no change goes unlogged;
        # a read is stopped.
        if ($planning -and -not $process.HasExited) {
            $null = Invoke-KmsProbe -ArgumentList @($process, [byte[]]@(), $true) -ScriptBlock $send
        }
        if (-not $process.HasExited -and $Request['command'] -ne 'get') { $null = $process.WaitForExit(120000) }
        if (-not $process.HasExited) {
            $null = Invoke-KmsProbe -ArgumentList @($process) -ScriptBlock { param($Process) try { $Process.Kill() } catch { $null = $_ } }
        }
        Write-Progress -Activity $activity -Completed
        $process.Dispose()
    }
}
