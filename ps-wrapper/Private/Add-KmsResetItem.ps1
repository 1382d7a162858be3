function Add-KmsResetItem {
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

        [Parameter(Mandatory)]
        [string] $Path,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $Sha256,

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
    if (-not $Cmdlet.ShouldProcess($target, 'Reset KMS enrollment: State 4 (Recovery) to 1 (Undefined)')) { return }

    if ($Origin) {
        $key = $Origin.Key
        $batches = $Queue.Remote
        $Queue.Origins[$key] = $Origin
        $entry = [PSCustomObject]@{ Path = $Path; Sha256 = $Sha256 }
    } else {
        $key = [System.IO.Path]::GetDirectoryName($file)
        $batches = $Queue.Local
        $request = [ordered]@{ path = $file }
        if ($Sha256) { $request['sha256'] = $Sha256 }
        $entry = [PSCustomObject]@{ Request = $request; Input = $InputObject; Mailbox = $Mailbox }
    }
    if (-not $batches.Contains($key)) { $batches[$key] = New-Object System.Collections.Generic.List[object] }
    $batches[$key].Add($entry)
    if ($batches[$key].Count -ge $Queue.Options.BatchSize) { Send-KmsResetBatch -Queue $Queue -Cmdlet $Cmdlet -Key $key -Remote:([bool]$Origin) }
}
