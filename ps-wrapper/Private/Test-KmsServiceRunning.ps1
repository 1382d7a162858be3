function Test-KmsServiceRunning {
    <#
    .SYNOPSIS
    True on Windows when the Exchange KMS service (MSExchangeKMS) is running on the given computer (this one by default).

    .DESCRIPTION
    The service is looked up through ServiceController, which both editions have (PowerShell 7's
    Get-Service has no -ComputerName). A computer without the service, or one that cannot be
    asked, gives $false, and that lookup leaves no error behind in the caller's -ErrorVariable.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [string] $ComputerName = '.'
    )
    if (-not (Test-KmsWindows)) { return $false }
    if (-not ('System.ServiceProcess.ServiceController' -as [type])) { Add-Type -AssemblyName 'System.ServiceProcess' }
    $status = Invoke-KmsProbe -ArgumentList @($ComputerName) -ScriptBlock {
        param([string] $Computer)
        try { [string](New-Object System.ServiceProcess.ServiceController ('MSExchangeKMS', $Computer)).Status } catch { $null = $_ }
    }
    return $status -eq 'Running'
}
