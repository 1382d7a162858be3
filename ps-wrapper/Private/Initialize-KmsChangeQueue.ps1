function Initialize-KmsChangeQueue {
    <#
    .SYNOPSIS
    The pending work of one Reset-KmsEnrollment or Restore-KmsEnrollment call: confirmed records in batches, per database folder here and per origin elsewhere.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        # What every batch passes on: Command (the kmsdb command), CmdletName (run on other servers),
        # Request (the kmsdb request's options), RemoteParameters (the remote cmdlet's), Convert (the
        # function that turns a kmsdb result into the cmdlet's output), BatchSize, ThrottleLimit, and
        # Credential and ConfigurationName when given.
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
