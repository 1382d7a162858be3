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

    With -PlanOnly, the server's module only plans the change (Get-KmsChangePlan,
    in the module's scope): it returns what its kmsdb would change, and
    changes nothing. A server whose module cannot plan for another computer
    (an older version) changes nothing either, and says so.
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
        [switch] $AsJob,

        # Only asks the server what the reset or restore would change there (KmsEnrollment.PlannedChange objects).
        [switch] $PlanOnly
    )

    $remote = {
        param([string] $Command, [hashtable] $Parameters, [object[]] $InputObject, [bool] $PlanOnly)
        # What the admin left in a session with this server is not the caller's: whether to change, and what to
        # report, was decided on the computer that asks, whose own preferences then apply to what comes back.
        $WhatIfPreference = $false
        $ErrorActionPreference = 'Continue'
        if (-not (Get-Module -ListAvailable -Name KmsEnrollment)) {
            $server = [Environment]::MachineName
            $exception = New-Object System.InvalidOperationException ("The KmsEnrollment module is not installed on $server for PowerShell $($PSVersionTable.PSVersion). Install it there in `$env:ProgramFiles\WindowsPowerShell\Modules, which both editions see (see about_KmsEnrollment), then try again.")
            throw (New-Object System.Management.Automation.ErrorRecord ($exception, 'KmsModuleNotInstalled', 'NotInstalled', $server))
        }
        $module = Import-Module -Name KmsEnrollment -ErrorAction Stop -PassThru | Select-Object -First 1
        if ($PlanOnly) {
            # A module that plans, but whose Restore-KmsEnrollment binds no Sha256 from its input, would drop the
            # planned hash that pins each confirmed restore to the record that was asked about.
            $pinned = $true
            if ($Command -eq 'Restore-KmsEnrollment') {
                $restore = & $module { Get-Command -Name Restore-KmsEnrollment -CommandType Function -ErrorAction Ignore }
                $pinned = $null -ne $restore -and $restore.Parameters.ContainsKey('Sha256') -and
                    @($restore.Parameters['Sha256'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName }).Count -gt 0
            }
            if (-not $pinned -or -not (& $module { Get-Command -Name Get-KmsChangePlan -CommandType Function -ErrorAction Ignore })) {
                $server = [Environment]::MachineName
                $exception = New-Object System.InvalidOperationException ("The KmsEnrollment module on $server (version $($module.Version)) cannot tell another computer what a change would do there, so nothing was asked or changed there. Install the version this computer runs there (see about_KmsEnrollment), then try again.")
                throw (New-Object System.Management.Automation.ErrorRecord ($exception, 'KmsModuleOutdated', 'NotImplemented', $server))
            }
            & $module { param($c, $p, $i) Get-KmsChangePlan -Command $c -Parameters $p -InputObject $i } $Command $Parameters $InputObject
        } elseif ($null -ne $InputObject) { $InputObject | & $Command @Parameters }
        else { & $Command @Parameters }
    }

    $invoke = @{ ScriptBlock = $remote; ArgumentList = @($Command, $Parameters, $InputObject, [bool]$PlanOnly); ThrottleLimit = $ThrottleLimit }
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
