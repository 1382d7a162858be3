function Test-KmsLocalComputer {
    <#
    .SYNOPSIS
    True when a computer name means this computer: its name or full DNS name, localhost, '.', or a loopback address.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory)]
        [string] $ComputerName
    )
    $names = @('localhost', '.', '127.0.0.1', '::1', [Environment]::MachineName, [System.Net.Dns]::GetHostName())
    $domain = [System.Net.NetworkInformation.IPGlobalProperties]::GetIPGlobalProperties().DomainName
    if ($domain) { $names += '{0}.{1}' -f [Environment]::MachineName, $domain }
    return [bool]($names | Where-Object { $_ -eq $ComputerName })
}
