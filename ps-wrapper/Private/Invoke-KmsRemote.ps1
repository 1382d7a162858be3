function Invoke-KmsRemote {
    <#
    .SYNOPSIS
    Runs a KmsEnrollment command on other servers through PowerShell remoting (Invoke-Command), where the module must be installed.

    .DESCRIPTION
    The script block runs on each server: it checks that the module is there,
    naming the server when it is not, imports it, and runs the cmdlet with the
    given parameters. Objects, errors, warnings and progress come back as
    Invoke-Command brings them. With -ComputerName, -ConfigurationName picks the
    endpoint (by default WinRM's, which is Windows PowerShell 5.1 even from pwsh).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [ValidateSet('Get-KmsRecord', 'Reset-KmsEnrollment', 'Restore-KmsEnrollment')]
        [string] $Command,

        [Parameter(Mandatory)]
        [hashtable] $Parameters,

        [object[]] $InputObject,

        [string[]] $ComputerName,

        [System.Management.Automation.Runspaces.PSSession[]] $Session,

        [System.Management.Automation.PSCredential] $Credential,

        [string] $ConfigurationName,

        [int] $ThrottleLimit = 32,

        # Returns the remoting job at once instead of waiting for its results.
        [switch] $AsJob
    )

    $remote = {
        param([string] $Command, [hashtable] $Parameters, [object[]] $InputObject)
        if (-not (Get-Module -ListAvailable -Name KmsEnrollment)) {
            $server = [Environment]::MachineName
            $exception = New-Object System.InvalidOperationException ("The KmsEnrollment module is not installed on $server for PowerShell $($PSVersionTable.PSVersion). Install it there in `$env:ProgramFiles\WindowsPowerShell\Modules, which both editions see (see about_KmsEnrollment), then try again.")
            throw (New-Object System.Management.Automation.ErrorRecord ($exception, 'KmsModuleNotInstalled', 'NotInstalled', $server))
        }
        Import-Module -Name KmsEnrollment -ErrorAction Stop
        if ($null -ne $InputObject) { $InputObject | & $Command @Parameters }
        else { & $Command @Parameters }
    }

    $invoke = @{ ScriptBlock = $remote; ArgumentList = @($Command, $Parameters, $InputObject); ThrottleLimit = $ThrottleLimit }
    if ($Session) {
        $invoke['Session'] = $Session
    } else {
        $invoke['ComputerName'] = $ComputerName
        if ($Credential) { $invoke['Credential'] = $Credential }
        if ($ConfigurationName) { $invoke['ConfigurationName'] = $ConfigurationName }
    }
    if ($AsJob) { $invoke['AsJob'] = $true }
    Invoke-Command @invoke
}
