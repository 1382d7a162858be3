# KmsEnrollment: PowerShell face of kmsdb. Every call goes through Invoke-Kmsdb,
# the one place that starts the bundled executable.
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot
$script:KmsdbExecutable = $null
$script:LocalNames = $null
# kmsdb runs answered and still changing records while a pipeline goes on (Invoke-Kmsdb -Holder). A
# pipeline stopped while another command ran leaves its run here, and the next change call finishes it.
# A type literal, not New-Object: a command here runs at every import, and New-Object took 70 ms of it.
$script:KmsdbRuns = [System.Collections.Generic.List[hashtable]]::new()
# Set only while Get-KmsChangePlan runs the cmdlet for another computer: kmsdb plans, and nothing is asked or changed.
$script:KmsPlanOnly = $false
# Writes to kmsdb's stdin, and closes it when asked; a kmsdb that has died ends the pipe, and its exit code and stderr say why.
$script:KmsdbSend = {
    param($Process, $Bytes, $Close)
    try {
        $Process.StandardInput.BaseStream.Write($Bytes, 0, $Bytes.Length)
        $Process.StandardInput.BaseStream.Flush()
        if ($Close) { $Process.StandardInput.Close() }
    } catch { $null = $_ }
}

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
