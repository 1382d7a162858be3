function Add-KmsChangeItem {
    <#
    .SYNOPSIS
    Asks about one record (ShouldProcess, naming server, mailbox and file) and, if confirmed, queues it; a full batch is sent at once.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The record file, as the input gave it.
        [Parameter(Mandatory)]
        [string] $Path,

        # What ShouldProcess says is done to the record.
        [Parameter(Mandatory)]
        [string] $Action,

        # The rest of the record's kmsdb request item (camelCase, as the schemas name them); the same
        # names bind the remote cmdlet's parameters, since PowerShell binds without letter case.
        [System.Collections.IDictionary] $Fields = @{},

        # What the result object is made with, besides kmsdb's result and the mailbox (see ConvertTo-KmsChangeResult).
        [hashtable] $ResultData = @{},

        [AllowNull()]
        [object] $InputObject,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $Mailbox,

        # Where a remote record came from (Get-KmsRecordOrigin); $null for this computer.
        [AllowNull()]
        [object] $Origin
    )
    $server = ''
    if ($Origin) {
        $file = $Path
        $server = '{0}: ' -f $Origin.Name
    } else {
        $file = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    }
    $target = $server + $file
    if ($Mailbox) { $target = '{0}{1} ({2})' -f $server, $Mailbox, $file }
    if (-not $Cmdlet.ShouldProcess($target, $Action)) { return }

    if ($Origin) {
        $key = $Origin.Key
        $batches = $Queue.Remote
        $Queue.Origins[$key] = $Origin
        $properties = [ordered]@{ Path = $Path }
        foreach ($name in $Fields.Keys) { $properties[$name] = $Fields[$name] }
        $entry = [PSCustomObject]$properties
    } else {
        $key = [System.IO.Path]::GetDirectoryName($file)
        $batches = $Queue.Local
        $request = [ordered]@{ path = $file }
        foreach ($name in $Fields.Keys) { $request[$name] = $Fields[$name] }
        $entry = [PSCustomObject]@{ Request = $request; Input = $InputObject; Mailbox = $Mailbox; ResultData = $ResultData }
    }
    if (-not $batches.Contains($key)) { $batches[$key] = [System.Collections.Generic.List[object]]::new() }
    $batches[$key].Add($entry)
    if ($batches[$key].Count -ge $Queue.Options.BatchSize) { Send-KmsChangeBatch -Queue $Queue -Cmdlet $Cmdlet -Key $key -Remote:([bool]$Origin) }
}
