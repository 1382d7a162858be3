function Get-KmsRecordOrigin {
    <#
    .SYNOPSIS
    Where a piped record was read: $null for this computer, else the session (by RunspaceId) or the computer it came from.

    .DESCRIPTION
    A record goes back over remoting only when it came through a session that is still open, or
    from another computer. A record of this computer stays local even when it carries
    PSComputerName, as records from Receive-Job or Import-Clixml do.
    #>
    [CmdletBinding()]
    param([object] $Record)

    if ($null -eq $Record -or $Record -is [string]) { return $null }
    $computer = $Record.PSObject.Properties['PSComputerName']
    if (-not $computer -or -not $computer.Value) { return $null }
    $runspace = $Record.PSObject.Properties['RunspaceId']
    if ($runspace -and $runspace.Value) {
        $session = Get-PSSession | Where-Object { $_.InstanceId -eq $runspace.Value -or $_.Runspace.InstanceId -eq $runspace.Value } | Select-Object -First 1
        if ($session) {
            return [PSCustomObject]@{ Key = 'session:' + $session.InstanceId; Name = [string]$computer.Value; Session = $session; ComputerName = $null }
        }
    }
    if (Test-KmsLocalComputer -ComputerName ([string]$computer.Value)) { return $null }
    return [PSCustomObject]@{ Key = 'computer:' + $computer.Value; Name = [string]$computer.Value; Session = $null; ComputerName = [string]$computer.Value }
}
