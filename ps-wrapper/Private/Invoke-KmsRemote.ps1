function Invoke-KmsRemote {
    <#
    .SYNOPSIS
    Runs a KmsEnrollment command on other servers through PowerShell remoting (Invoke-Command), where the module must be installed.

    .DESCRIPTION
    The script block runs on each server: it checks that the module is there,
    naming the server when it is not, imports it, and runs the cmdlet with the
    given parameters. Objects, errors, warnings and progress come back as
    Invoke-Command brings them.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [ValidateSet('Get-KmsRecord', 'Reset-KmsEnrollment')]
        [string] $Command,

        [Parameter(Mandatory)]
        [hashtable] $Parameters,

        [object[]] $InputObject,

        [string[]] $ComputerName,

        [System.Management.Automation.Runspaces.PSSession[]] $Session,

        [System.Management.Automation.PSCredential] $Credential,

        [int] $ThrottleLimit = 32
    )

    $remote = {
        param([string] $Command, [hashtable] $Parameters, [object[]] $InputObject)
        if (-not (Get-Module -ListAvailable -Name KmsEnrollment)) {
            $server = [Environment]::MachineName
            $exception = New-Object System.InvalidOperationException ("The KmsEnrollment module is not installed on $server. Install it there (see about_KmsEnrollment), then try again.")
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
    }
    Invoke-Command @invoke
}

function Get-KmsRecordOrigin {
    <#
    .SYNOPSIS
    Where a piped record was read: $null for this computer, else the session (by RunspaceId) or the computer it came from.
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
    return [PSCustomObject]@{ Key = 'computer:' + $computer.Value; Name = [string]$computer.Value; Session = $null; ComputerName = [string]$computer.Value }
}

function Test-KmsServiceRunning {
    <#
    .SYNOPSIS
    True on Windows when the Exchange KMS service (MSExchangeKMS) is running on this computer.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()
    $onWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path -Path 'variable:IsWindows') -and $IsWindows)
    if (-not $onWindows) { return $false }
    $service = Get-Service -Name 'MSExchangeKMS' -ErrorAction SilentlyContinue
    return ($null -ne $service -and $service.Status -eq 'Running')
}
