function Get-KmsCallerPreference {
    <#
    .SYNOPSIS
    The caller's preference variables that a public cmdlet must take over: those whose common parameter was not given.

    .DESCRIPTION
    A script module's functions see the global preference variables, not the
    caller's: a script run with -WhatIf, or one that sets
    $ErrorActionPreference, would not reach them, where a compiled cmdlet
    honours both. The caller's values are read from its session state
    ($PSCmdlet.SessionState), as PSFramework and the Get-CallerPreference
    pattern do. The cmdlet sets the ones returned in its own scope, in its begin
    block, before any ShouldProcess.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $bound = $Cmdlet.MyInvocation.BoundParameters
    $preferences = [ordered]@{
        WhatIfPreference      = 'WhatIf'
        ConfirmPreference     = 'Confirm'
        ErrorActionPreference = 'ErrorAction'
        WarningPreference     = 'WarningAction'
        VerbosePreference     = 'Verbose'
        DebugPreference       = 'Debug'
        InformationPreference = 'InformationAction'
        ProgressPreference    = $null
    }
    foreach ($name in $preferences.Keys) {
        $parameter = $preferences[$name]
        if ($parameter -and $bound.ContainsKey($parameter)) { continue }
        $variable = $Cmdlet.SessionState.PSVariable.Get($name)
        if ($null -eq $variable) { continue }
        $value = $variable.Value
        # The cmdlet's own $WhatIfPreference holds a switch; a compiled cmdlet takes any value PowerShell
        # reads as true (the string 'False' too) as -WhatIf, and so does this one.
        if ($name -eq 'WhatIfPreference') { $value = [System.Management.Automation.SwitchParameter][System.Management.Automation.LanguagePrimitives]::IsTrue($value) }
        [PSCustomObject]@{ Name = $name; Value = $value }
    }
}
