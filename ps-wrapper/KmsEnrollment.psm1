# KmsEnrollment: PowerShell face of kmsdb. Every call goes through Invoke-Kmsdb,
# the one place that starts the bundled executable.
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot
$script:KmsdbExecutable = $null
$script:LocalNames = $null

# The build (scripts/build.mjs) puts the files' functions here, in this one file, which imports
# several times faster than dot-sourcing each; the source keeps one file per function.
#region functions
foreach ($folder in @('Private', 'Public')) {
    foreach ($file in Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot $folder) -Filter '*.ps1') {
        . $file.FullName
    }
}
#endregion functions

Export-ModuleMember -Function @('Get-KmsRecord', 'Reset-KmsEnrollment', 'Restore-KmsEnrollment')
