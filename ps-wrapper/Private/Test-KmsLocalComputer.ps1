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
    # Asked once per session: it runs for every piped record.
    if (-not $script:LocalNames) {
        $names = @('localhost', '.', '127.0.0.1', '::1', [Environment]::MachineName, [System.Net.Dns]::GetHostName())
        $domain = [System.Net.NetworkInformation.IPGlobalProperties]::GetIPGlobalProperties().DomainName
        if ($domain) { $names += '{0}.{1}' -f [System.Net.Dns]::GetHostName(), $domain }
        $script:LocalNames = $names
    }
    return $script:LocalNames -contains $ComputerName
}
