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

# Tab completes -Mailbox and -Id from the database that -Path or the settings file names.
$completer = {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    Get-KmsArgumentCompletion -ParameterName $parameterName -WordToComplete $wordToComplete -BoundParameters $fakeBoundParameters
}
Register-ArgumentCompleter -CommandName 'Get-KmsRecord', 'Reset-KmsEnrollment' -ParameterName 'Mailbox' -ScriptBlock $completer
Register-ArgumentCompleter -CommandName 'Restore-KmsEnrollment' -ParameterName 'Id' -ScriptBlock $completer

Export-ModuleMember -Function @('Get-KmsRecord', 'Reset-KmsEnrollment', 'Restore-KmsEnrollment')
