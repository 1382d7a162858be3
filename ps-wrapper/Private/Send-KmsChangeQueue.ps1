function Send-KmsChangeQueue {
    <#
    .SYNOPSIS
    Sends every batch still pending, and emits the results of all as they come.

    .DESCRIPTION
    Remote batches start first, as jobs, so that the servers plan while this
    computer changes its own records; then each server's plan is asked about
    as it comes back, its confirmed records go back to it, and its results
    are emitted as that server finishes.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    foreach ($key in @($Queue.Remote.Keys)) { Send-KmsChangeBatch -Queue $Queue -Cmdlet $Cmdlet -Key $key -Remote }
    foreach ($key in @($Queue.Local.Keys)) { Send-KmsChangeBatch -Queue $Queue -Cmdlet $Cmdlet -Key $key }
    Complete-KmsChangeRun -Queue $Queue
    Receive-KmsRemoteJob -Queue $Queue -Cmdlet $Cmdlet -Limit 0
}
