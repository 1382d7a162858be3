function Get-KmsRecordOrigin {
    <#
    .SYNOPSIS
    Where a piped record was read: $null for this computer, else the session (by RunspaceId) or the computer it came from.

    .DESCRIPTION
    A record goes back over remoting only when it came through a session that
    is still open, or from another computer. Which computer read it is the
    record's own ComputerName, which the module stamps where kmsdb ran:
    Receive-Job rewrites PSComputerName to localhost, so that name alone would
    send a remote record's path to this computer's disk. PSComputerName counts
    only for objects without ComputerName. A record of this computer stays local,
    as records from Receive-Job or Import-Clixml do.
    #>
    # A plain function, not an advanced one: it runs for every record, and binding an advanced function
    # costs about twice as much.
    param([object] $Record)

    if ($null -eq $Record -or $Record -is [string]) { return $null }
    $name = $null
    foreach ($property in 'ComputerName', 'PSComputerName') {
        $value = $Record.PSObject.Properties[$property]
        if ($value -and $value.Value) { $name = [string]$value.Value; break }
    }
    if (-not $name) { return $null }
    $runspace = $Record.PSObject.Properties['RunspaceId']
    if ($runspace -and $runspace.Value) {
        $session = Get-PSSession | Where-Object { $_.State -eq 'Opened' -and ($_.InstanceId -eq $runspace.Value -or $_.Runspace.InstanceId -eq $runspace.Value) } | Select-Object -First 1
        if ($session) {
            return [PSCustomObject]@{ Key = 'session:' + $session.InstanceId; Name = $name; Session = $session; ComputerName = $null }
        }
    }
    # The name this computer stamps on its own records is checked first: this runs for every piped record.
    if ($name -eq [Environment]::MachineName -or (Test-KmsLocalComputer -ComputerName $name)) { return $null }
    return [PSCustomObject]@{ Key = 'computer:' + $name; Name = $name; Session = $null; ComputerName = $name }
}
