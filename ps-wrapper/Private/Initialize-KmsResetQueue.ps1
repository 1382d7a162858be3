function Initialize-KmsResetQueue {
    <#
    .SYNOPSIS
    The pending work of one Reset-KmsEnrollment call: confirmed records in batches, per database folder here and per origin elsewhere.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        # The cmdlet's options that every batch passes on: AllowNumSCerts, AllowAmbiguous, BatchSize, ThrottleLimit, and LockTimeout, BackupPath, LogPath, Credential, ConfigurationName when given.
        [Parameter(Mandatory)]
        [hashtable] $Options
    )
    return @{
        Options = $Options
        # Database folder -> entries of { Request; Input; Mailbox }.
        Local   = [ordered]@{}
        # Origin key (session or computer) -> the objects the remote cmdlet binds.
        Remote  = [ordered]@{}
        Origins = @{}
        # Servers whose KMS service was checked already: one warning per server and call.
        Checked = @{}
        # Remote batches under way, one remoting job each.
        Jobs    = [System.Collections.Generic.List[object]]::new()
    }
}
