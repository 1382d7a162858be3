function Receive-KmsRemoteJob {
    <#
    .SYNOPSIS
    Emits what the remote reset jobs have produced so far, asks about the plans that have come back, and waits for jobs to finish until no more than -Limit are under way.

    .DESCRIPTION
    Results, and the errors of a server (unreachable, module missing, database
    locked, refused records), come out as that server's job produces them,
    each naming its server through PSComputerName; one server's failure never
    stops another's job. A finished job is removed. A finished plan job (it
    changed nothing) is asked about here, and its confirmed records go back to
    their server as a new job (Confirm-KmsRemotePlan).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [int] $Limit,

        # Also wait until this origin has no job under way.
        [string] $Origin
    )
    # A plan is read whole, once its job has ended: it is asked about, not emitted.
    foreach ($job in @($Queue.Jobs)) {
        if ($job.HasMoreData -and -not $job.PSObject.Properties['KmsPlan']) { Receive-Job -Job $job }
    }
    while ($Queue.Jobs.Count -gt 0) {
        foreach ($job in @($Queue.Jobs | Where-Object { $_.State -notin @('NotStarted', 'Running', 'Stopping') })) {
            [void]$Queue.Jobs.Remove($job)
            if ($job.PSObject.Properties['KmsPlan']) {
                # The server's errors (refused records, a missing module) come out here, as a real run's would.
                $plan = @(Receive-Job -Job $job -Wait -AutoRemoveJob)
                # In a pipeline of its own, as every prompt of the module is: the exception that a prompt which
                # cannot be shown throws, caught in Test-KmsConsent, then reaches no -ErrorVariable of the caller's.
                Confirm-KmsRemotePlan -Queue $Queue -Cmdlet $Cmdlet -Job $job -Plan $plan | ForEach-Object { $_ }
            } else {
                Receive-Job -Job $job -Wait -AutoRemoveJob
            }
        }
        $busy = $Origin -and @($Queue.Jobs | Where-Object { $_.KmsOrigin -eq $Origin }).Count -gt 0
        if ($Queue.Jobs.Count -le $Limit -and -not $busy) { return }
        $null = Wait-Job -Job $Queue.Jobs.ToArray() -Any
    }
}
