# Runs the module's Pester tests against the built module in dist/KmsEnrollment.
param(
    [Parameter(Mandatory)]
    [string] $PesterPath
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterPath -Force

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $config

'{0} passed, {1} failed' -f $result.PassedCount, $result.FailedCount
if ($result.FailedCount -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
