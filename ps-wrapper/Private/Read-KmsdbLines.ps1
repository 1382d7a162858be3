function Read-KmsdbLines {
    <#
    .SYNOPSIS
    Takes the lines a kmsdb run has printed so far, on both streams, without waiting; at the end of both, its exit becomes errors.
    #>
    # A plain function, called for every line a run prints.
    param(
        [hashtable] $Run
    )
    $cmdletOfRun = $Run.Cmdlet
    while ($null -ne $Run.Err -and $Run.Err.IsCompleted) {
        $line = $Run.Err.Result
        if ($null -eq $line) {
            $Run.Err = $null
            break
        }
        $Run.Err = $Run.Process.StandardError.ReadLineAsync()
        # The exit report counts only as the last line.
        $Run.Reported = $null
        $Run.Reason = $null
        $notice = $null
        if ($line.StartsWith('{"type":') -and $line.EndsWith('}')) { $notice = ConvertFrom-Json -InputObject $line }
        if ($null -ne $notice -and $notice.type -eq 'progress') {
            $percent = 100
            if ($notice.total -gt 0) { $percent = [Math]::Min(100, [int](100 * $notice.done / $notice.total)) }
            $Run.Activity = $notice.activity
            Write-Progress -Activity $notice.activity -Status ('{0} of {1}' -f $notice.done, $notice.total) -PercentComplete $percent
        } elseif ($null -ne $notice -and $notice.type -eq 'folders') {
            # Where kmsdb itself resolved them (an option, the settings file or its default), not a guess of the module's.
            $cmdletOfRun.WriteVerbose((ConvertTo-KmsPrintable -Text ('kmsdb {0} in {1}: backups go to {2}, and the audit log is {3}.' -f $Run.Request['command'], $notice.database, $notice.backupDir, $notice.log)))
        } elseif ($null -ne $notice -and $notice.type -eq 'not-found') {
            # A -Mailbox of Get-KmsRecord that names no record (a typo, say): an error, as Reset-KmsEnrollment's is.
            Write-KmsRefusal -Cmdlet $cmdletOfRun -Result ([PSCustomObject]@{ code = 'not-found'; message = $notice.message }) -TargetObject ([string]$notice.mailbox)
        } elseif ($null -ne $notice -and $notice.type -eq 'exit') {
            $Run.Reported = $notice.code
            if ($notice.PSObject.Properties['reason']) { $Run.Reason = [string]$notice.reason }
        } elseif ($line.StartsWith('kmsdb: warning: ')) {
            $cmdletOfRun.WriteWarning($line.Substring(16))
        } elseif ($line.Trim()) {
            $Run.Messages.Add($line)
        }
    }
    while ($null -ne $Run.Out -and $Run.Out.IsCompleted) {
        $line = $Run.Out.Result
        if ($null -eq $line) {
            $Run.Out = $null
            break
        }
        $Run.Out = $Run.Process.StandardOutput.ReadLineAsync()
        if ($Run.Planning -and $line -eq '{"type":"plan-end"}') {
            # Invoke-Kmsdb asks about the plan; until it answers, kmsdb prints nothing more.
            $Run.PlanEnded = $true
            break
        } elseif ($line.Trim()) {
            # A whole line is one JSON object; only one that is not (cut off by a crash,
            # say) takes the slower parse that leaves no error behind.
            # JsonObject is what ConvertFrom-Json calls (in 5.1 too), without a command's cost per line.
            $answer = $null
            $jsonError = $null
            # It throws on some text that is not JSON and only reports other text through the error: both are no answer.
            if ($line.StartsWith('{') -and $line.EndsWith('}')) {
                try { $answer = [Microsoft.PowerShell.Commands.JsonObject]::ConvertFromJson($line, [ref]$jsonError) } catch { $answer = $null }
            } else {
                $answer = ConvertFrom-KmsdbJson -Line $line
            }
            # A line that is not JSON (cut off by a crash, say) is no answer.
            if ($null -eq $answer) {
                $Run.Garbled = $true
            } elseif ($Run.Planning) {
                $Run.Plan.Add($answer)
            } else {
                $Run.Answered++
                if ($null -ne $Run.Answers) { ConvertTo-KmsChangeAnswer -Map $Run.Answers -Answer $answer } else { $answer }
            }
        }
    }
    if ($null -eq $Run.Out -and $null -eq $Run.Err -and -not $Run.Ended) {
        $Run.Ended = $true
        $earlier = $Run.Previous
        if ($null -ne $earlier) {
            Receive-KmsdbRun -Run $earlier -Until End
            Close-KmsdbRun -Run $earlier
            $Run.Previous = $null
        }
        $Run.Process.WaitForExit()
        if ($Run.Garbled) { $Run.Reported = $null; $Run.Messages.Add('It printed a line that is not JSON.') }
        Write-KmsdbExit -Cmdlet $cmdletOfRun -Code $Run.Process.ExitCode -Reported $Run.Reported -Reason $Run.Reason -Messages $Run.Messages -TargetObject $Run.TargetObject -Unanswered @($Run.RecordTargets | Select-Object -Skip $Run.Answered)
    }
}
