function Receive-KmsdbRun {
    <#
    .SYNOPSIS
    Reads a kmsdb run started by Invoke-Kmsdb: its stdout's answers are emitted, its stderr's progress, warnings and exit report are handled, and at the end its exit becomes errors (Write-KmsdbExit).

    .DESCRIPTION
    -Until End reads to the end of the run; Answered, until its plan has
    ended (or the run has), for Invoke-Kmsdb to ask about it; Poll takes only
    what kmsdb has printed already, without waiting. Both streams are read at
    once, so that neither can fill up and stall kmsdb; a run's -Previous run
    is read alongside.
    #>
    # A plain function: a pipeline polls its run once per record.
    param(
        [hashtable] $Run,

        [ValidateSet('End', 'Answered', 'Poll')]
        [string] $Until
    )
    while (-not $Run.Ended) {
        if ($Until -eq 'Answered' -and ($Run.PlanEnded -or -not $Run.Planning)) { return }
        $other = $Run.Previous
        if ($null -ne $other -and $other.Ended) { $other = $null }
        $tasks = New-Object System.Collections.Generic.List[System.Threading.Tasks.Task]
        foreach ($r in $Run, $other) {
            if ($null -eq $r) { continue }
            if ($null -ne $r.Out) { $tasks.Add($r.Out) }
            if ($null -ne $r.Err) { $tasks.Add($r.Err) }
        }
        if ($Until -eq 'Poll') {
            $ready = $false
            foreach ($task in $tasks) { if ($task.IsCompleted) { $ready = $true } }
            if (-not $ready) { return }
        } else {
            [void][System.Threading.Tasks.Task]::WaitAny($tasks.ToArray(), 250)
        }
        if ($null -ne $other) { Read-KmsdbLines -Run $other }
        Read-KmsdbLines -Run $Run
    }
}
