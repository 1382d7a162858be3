function Close-KmsdbRun {
    <#
    .SYNOPSIS
    Ends a kmsdb run that Invoke-Kmsdb started, however the pipeline ended; a second call does nothing.

    .DESCRIPTION
    Reached early when a later command stops the pipeline (Select-Object
    -First, Ctrl+C, -ErrorAction Stop). Unanswered, a plan changes nothing:
    kmsdb's input is ended so that it ends. A change that was answered
    already is let finish, so that no change goes unlogged: what kmsdb still
    prints is read and dropped (the pipeline that wanted it has gone), since
    kmsdb waits while its output is full. A read is stopped.
    #>
    param(
        [hashtable] $Run
    )
    if ($Run.Closed) { return }
    $Run.Closed = $true
    $null = $script:KmsdbRuns.Remove($Run)
    $process = $Run.Process
    try {
        if ($Run.Planning -and -not $process.HasExited) {
            $null = Invoke-KmsProbe -ArgumentList @($process, [byte[]]@(), $true) -ScriptBlock $script:KmsdbSend
        }
        if (-not $process.HasExited -and $Run.Request['command'] -ne 'get') {
            $deadline = [DateTime]::UtcNow.AddMinutes(2)
            while (($null -ne $Run.Out -or $null -ne $Run.Err) -and [DateTime]::UtcNow -lt $deadline) {
                $tasks = @($Run.Out, $Run.Err) | Where-Object { $null -ne $_ }
                [void][System.Threading.Tasks.Task]::WaitAny([System.Threading.Tasks.Task[]]$tasks, 250)
                if ($null -ne $Run.Out -and $Run.Out.IsCompleted) { if ($null -eq $Run.Out.Result) { $Run.Out = $null } else { $Run.Out = $process.StandardOutput.ReadLineAsync() } }
                if ($null -ne $Run.Err -and $Run.Err.IsCompleted) { if ($null -eq $Run.Err.Result) { $Run.Err = $null } else { $Run.Err = $process.StandardError.ReadLineAsync() } }
            }
            $left = [int][Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
            $null = $process.WaitForExit($left)
        }
        if (-not $process.HasExited) {
            $null = Invoke-KmsProbe -ArgumentList @($process) -ScriptBlock { param($Process) try { $Process.Kill() } catch { $null = $_ } }
        }
    } finally {
        Write-Progress -Activity $Run.Activity -Completed
        $process.Dispose()
    }
}
