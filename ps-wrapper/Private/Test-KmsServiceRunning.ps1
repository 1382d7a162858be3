function Test-KmsServiceRunning {
    <#
    .SYNOPSIS
    Whether the Exchange KMS service (MSExchangeKMS) is running on a computer (this one by default): 'Running', 'NotRunning' or 'Unknown'.

    .DESCRIPTION
    This computer is asked through Get-Service; another (the server of a UNC
    database) through CIM, within 10 seconds, since PowerShell 7's Get-Service
    has no -ComputerName. A computer without the service is 'NotRunning'; one
    that cannot be asked is 'Unknown', so that the caller can say so rather than
    keep quiet. Neither lookup leaves an error in $Error or -ErrorVariable.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [string] $ComputerName = '.'
    )
    if (-not (Test-KmsWindows)) { return 'NotRunning' }
    if ($ComputerName -eq '.') {
        $service = Get-Service -Name 'MSExchangeKMS' -ErrorAction Ignore
        if ($service -and [string]$service.Status -eq 'Running') { return 'Running' }
        return 'NotRunning'
    }
    Invoke-KmsProbe -ArgumentList @($ComputerName) -ScriptBlock {
        param([string] $Computer)
        try {
            $service = Get-CimInstance -ClassName Win32_Service -Filter "Name='MSExchangeKMS'" -ComputerName $Computer -OperationTimeoutSec 10 -ErrorAction Stop
            if ($service -and $service.State -eq 'Running') { 'Running' } else { 'NotRunning' }
        } catch {
            'Unknown'
        }
    }
}
