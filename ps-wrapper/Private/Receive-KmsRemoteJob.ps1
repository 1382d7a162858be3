function Receive-KmsRemoteJob {
    <#
    .SYNOPSIS
    Emits what the remote reset jobs have produced so far, and waits for jobs to finish until no more than -Limit are under way.

    .DESCRIPTION
    Results, and the errors of a server (unreachable, module missing, database
    locked), come out as that server's job produces them, each naming its
    server through PSComputerName; one server's failure never stops another's
    job. A finished job is removed.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [int] $Limit,

        # Also wait until this origin has no job under way.
        [string] $Origin
    )
    foreach ($job in @($Queue.Jobs)) {
        if ($job.HasMoreData) { Receive-Job -Job $job }
    }
    while ($Queue.Jobs.Count -gt 0) {
        foreach ($job in @($Queue.Jobs | Where-Object { $_.State -notin @('NotStarted', 'Running', 'Stopping') })) {
            Receive-Job -Job $job -Wait -AutoRemoveJob
            [void]$Queue.Jobs.Remove($job)
        }
        $busy = $Origin -and @($Queue.Jobs | Where-Object { $_.KmsOrigin -eq $Origin }).Count -gt 0
        if ($Queue.Jobs.Count -le $Limit -and -not $busy) { return }
        $null = Wait-Job -Job $Queue.Jobs.ToArray() -Any
    }
}
