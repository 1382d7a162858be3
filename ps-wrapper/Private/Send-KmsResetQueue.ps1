function Send-KmsResetQueue {
    <#
    .SYNOPSIS
    Sends every batch still pending: this computer's databases first, then each remote origin's.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    foreach ($key in @($Queue.Local.Keys)) { Send-KmsResetBatch -Queue $Queue -Cmdlet $Cmdlet -Key $key }
    foreach ($key in @($Queue.Remote.Keys)) { Send-KmsResetBatch -Queue $Queue -Cmdlet $Cmdlet -Key $key -Remote }
}
