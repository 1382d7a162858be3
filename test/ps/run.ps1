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
if ($IsWindows) {
    # Each LinuxOnly test file says why it cannot run on Windows.
    $config.Filter.ExcludeTag = @('LinuxOnly')
    Write-Host 'Windows lane: tests tagged LinuxOnly are left out (SSH remoting; see Remoting.Tests.ps1).'
}
$temp = [System.IO.Path]::GetTempPath()
$before = @(Get-ChildItem -LiteralPath $temp -Directory -Filter 'kmsdb-ps-*' -ErrorAction Ignore).FullName
$result = Invoke-Pester -Configuration $config
# The databases, backups and logs the tests made go with them: a run leaves nothing behind.
Get-ChildItem -LiteralPath $temp -Directory -Filter 'kmsdb-ps-*' -ErrorAction Ignore | Where-Object { $before -notcontains $_.FullName } | Remove-Item -Recurse -Force -ErrorAction Continue

'{0} passed, {1} failed' -f $result.PassedCount, $result.FailedCount
if ($result.FailedCount -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
