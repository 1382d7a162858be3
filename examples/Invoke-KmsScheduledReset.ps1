<#
.SYNOPSIS
Resets every KMS record stuck by KB Q198709 without prompting, for a scheduled task: it leaves a log
to read the next morning and exits non-zero when anything was refused or failed.

.DESCRIPTION
Task Scheduler keeps only the exit code: whatever a task writes to stdout or stderr is lost. So this
script appends to its own log, one line per reset record, one per refused record or error, and a
summary line per run, and exits with:

  0  every stuck record was reset (or there was none);
  1  some record was refused or failed: the log says which and why;
  2  the run itself failed: the module did not load, the database is not named, missing, locked or
     unreadable, kmsdb did not finish, or the KMS service is running (an error of the whole call, as
     about_KmsEnrollment lists them).

Each change is also in kmsdb's audit log, which Restore-KmsEnrollment reads to undo it.

.PARAMETER Path
The database folder (Security\Mgrent\Clients). Without it, the settings file names it, as for
Get-KmsRecord.

.PARAMETER LogPath
The file this script appends its lines to. The default is
%ProgramData%\KmsEnrollment\Logs\scheduled-reset.log.

.PARAMETER Module
The module to import: its name, or the path of its .psd1.

.EXAMPLE
pwsh.exe -NoProfile -NonInteractive -Command "& C:\Scripts\Invoke-KmsScheduledReset.ps1 -LogPath D:\Logs\kms-scheduled-reset.log; exit $LASTEXITCODE"

What the scheduled task runs. The project's docs/operations.md, "Scheduled tasks", registers it.
#>
[CmdletBinding()]
param(
    [string] $Path,

    [string] $LogPath = (Join-Path ([Environment]::GetFolderPath('CommonApplicationData')) 'KmsEnrollment\Logs\scheduled-reset.log'),

    [string] $Module = 'KmsEnrollment'
)

$lines = New-Object System.Collections.Generic.List[string]
function Add-LogLine {
    param([string] $Text)
    $lines.Add(('{0} {1}' -f (Get-Date).ToString('yyyy-MM-dd HH:mm:ss'), $Text))
}

# One line per error, that names what it is about and why, as the morning reader needs it.
function Add-ErrorLine {
    param([System.Management.Automation.ErrorRecord] $ErrorRecord)
    $target = $ErrorRecord.TargetObject
    if ($target -and $target.PSObject.Properties['Path']) { $target = $target.Path }
    $message = $ErrorRecord.Exception.Message
    # Most messages name their record first already.
    if ($target -and -not $message.StartsWith("$target", [System.StringComparison]::Ordinal)) { $message = '{0}: {1}' -f $target, $message }
    Add-LogLine ('ERROR {0} {1}' -f $ErrorRecord.FullyQualifiedErrorId, $message)
}

$counts = [ordered]@{ reset = 0; unchanged = 0; other = 0; errors = 0 }
# Errors of the whole call: the run failed, whatever became of the records.
$runErrors = @('KmsDatabaseNotFound', 'KmsDatabaseNotGiven', 'KmsDatabaseUnavailable', 'KmsDatabaseLocked', 'KmsAuditLogInvalid', 'KmsPathNotFound',
    'KmsPathAccessDenied', 'KmsPathUnavailable', 'KmsPathNotFileSystem', 'KmsdbBadRequest', 'KmsdbNotFound', 'KmsdbWindowsNotSupported',
    'KmsdbPlatformNotSupported', 'KmsdbFailed', 'KmsServiceRunning')
$runFailed = $false
$exitCode = 0
Add-LogLine ('START on {0} as {1}, database {2}' -f [Environment]::MachineName, [Environment]::UserName, $(if ($Path) { $Path } else { 'from the settings file' }))
try {
    Import-Module -Name $Module -ErrorAction Stop
    $get = @{ Affected = $true }
    if ($Path) { $get['Path'] = $Path }
    # Errors of each record are collected rather than thrown, so that one refused record does not stop the others.
    $results = @(Get-KmsRecord @get -ErrorAction SilentlyContinue -ErrorVariable readErrors |
            Reset-KmsEnrollment -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable resetErrors)
    foreach ($r in $results) {
        Add-LogLine ('{0} {1} {2} {3}' -f $r.Status.ToUpperInvariant(), $r.Id, $r.Mailbox, $r.Path)
        if ($r.Status -eq 'Reset') { $counts.reset++ } elseif ($r.Status -eq 'Unchanged') { $counts.unchanged++ } else { $counts.other++ }
    }
    foreach ($e in @($readErrors) + @($resetErrors)) {
        if ($null -eq $e) { continue }
        Add-ErrorLine $e
        $counts.errors++
        if (($e.FullyQualifiedErrorId -split ',')[0] -in $runErrors) { $runFailed = $true }
    }
    # A result that is neither Reset nor Unchanged was not done either.
    if ($runFailed) { $exitCode = 2 } elseif ($counts.errors -gt 0 -or $counts.other -gt 0) { $exitCode = 1 }
} catch {
    Add-ErrorLine $_
    $exitCode = 2
}
Add-LogLine ('END exit {0}: {1} reset, {2} unchanged, {3} other, {4} refused or failed' -f $exitCode, $counts.reset, $counts.unchanged, $counts.other, $counts.errors)

try {
    $folder = Split-Path -Parent $LogPath
    if ($folder -and -not (Test-Path -LiteralPath $folder)) { $null = New-Item -ItemType Directory -Path $folder -Force -ErrorAction Stop }
    # UTF-8, so that Notepad and Get-Content -Encoding UTF8 read mailbox names as they are, in both editions.
    [System.IO.File]::AppendAllText($LogPath, ($lines -join [Environment]::NewLine) + [Environment]::NewLine, (New-Object System.Text.UTF8Encoding $false))
} catch {
    # Without its log the run cannot be judged the next morning: say so on stderr and fail the task.
    [Console]::Error.WriteLine(($lines -join [Environment]::NewLine))
    [Console]::Error.WriteLine("The log $LogPath could not be written: $($_.Exception.Message)")
    if ($exitCode -eq 0) { $exitCode = 2 }
}
exit $exitCode
