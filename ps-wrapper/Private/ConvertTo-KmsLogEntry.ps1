function ConvertTo-KmsLogEntry {
    <#
    .SYNOPSIS
    An audit-log entry cut down to what a restore uses, with where it may be restored: here, or in the open session it came from.

    .DESCRIPTION
    A log line is input: whatever else it carries (a ComputerName, say) must
    not send the restore, or the admin's credentials, anywhere. An entry goes
    to another server only when it came out of a session that is still open
    (remoting's RunspaceId); else it stays on this computer, as the log's
    paths are paths of the computer that wrote it.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [object] $Entry
    )
    $origin = Get-KmsRecordOrigin -Record $Entry
    if ($origin -and -not $origin.Session) { $origin = $null }
    $fields = [ordered]@{}
    foreach ($name in 'event', 'id', 'path', 'backupPath', 'sha256Before', 'sha256After', 'host') {
        $property = $Entry.PSObject.Properties[$name]
        $fields[$name] = if ($property -and $null -ne $property.Value) { [string]$property.Value } else { $null }
    }
    # A DateTime in both editions: Windows PowerShell's ConvertFrom-Json leaves it a string.
    $fields['time'] = $null
    $time = $Entry.PSObject.Properties['time']
    if ($time) { $fields['time'] = ConvertTo-KmsDate $time.Value }
    $fields['KmsOrigin'] = $origin
    # The line itself, which errors about it name as their target.
    $fields['KmsInput'] = $Entry
    [PSCustomObject]$fields
}
