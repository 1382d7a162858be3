@{
    RootModule           = 'KmsEnrollment.psm1'
    # Stamped from package.json by the build; keep this line's shape.
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1f3b8e-2f5d-4c0e-9a51-3c9a3b1d7e42'
    Author               = 'KmsEnrollment contributors'
    CompanyName          = 'KmsEnrollment'
    Copyright            = '(c) KmsEnrollment contributors. MIT License.'
    Description          = 'Finds and fixes Exchange Server 5.0 KMS users stuck by KB Q198709 (State = 4 and no NumSCerts), byte-exact, with lock, backup and audit log. Runs on x64 Windows 10 or Windows Server 2016 or later (Windows 11 on ARM64 through x64 emulation) and x64 Linux, in Windows PowerShell 5.1 and PowerShell 7.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FunctionsToExport    = @('Get-KmsRecord', 'Reset-KmsEnrollment', 'Restore-KmsEnrollment')
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('KmsEnrollment.Format.ps1xml')
    PrivateData          = @{
        PSData = @{
            # Windows and Linux: the OS the module runs on (bin/win-x64, bin/linux-x64);
            # PSEdition_*: Windows PowerShell 5.1 (Desktop) and PowerShell 7 (Core).
            Tags         = @('Exchange', 'KMS', 'Q198709', 'Security', 'Windows', 'Linux', 'PSEdition_Desktop', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            # The CHANGELOG.md entry of this version.
            ReleaseNotes = '## Unreleased
- Consent: a background job or a remote session asks nobody (its prompt goes to whatever receives it), nor does a console whose output is redirected (the prompt would go unseen); mailboxes piped with no -Path are refused (KmsDatabaseNotGiven), not looked up in the settings file''s database; Restore-KmsEnrollment -BackupPath with an empty -Path, or a piped item with an empty Path, is KmsPathNotResolved; -WhatIf refuses a read-only record, or one this account cannot open for writing, as a real run does; restore''s prompt says which way the State goes.
- A database that exists but cannot be read or locked is KmsDatabaseUnavailable (IOException); only a missing one is KmsDatabaseNotFound.
- examples/Invoke-KmsScheduledReset.ps1 exits 2 when the database is missing, locked or unreadable. $Error keeps only what the cmdlets report.
- Records: LastWriteTime is in local time, beside a new LastWriteTimeUtc; a new Alias property, from kmsdb, gives the short name of the Mailbox that -Mailbox finds it by (results carry it too, and the table views show it); Warnings is one text ("code: message; ...") that Export-Csv writes as it is.
- State, NumSCerts, PreviousState ([int]), Size ([long]) and the audit log''s time ([DateTime]) have the same types in Windows PowerShell 5.1 and PowerShell 7.
- Reset and restore results carry a Time; the table views show ComputerName.
- Tab completion of -Mailbox and of Restore-KmsEnrollment -Id, from the database that -Path or the settings file names, also when the module is imported with -Prefix; the completers cost nothing at import.
- A path that does not exist is an ItemNotFoundException that catch sees with the ErrorId KmsPathNotFound and the path as TargetObject.
- The module is one .psm1, which imports faster.
- examples/Invoke-KmsScheduledReset.ps1: the README''s scheduled task, which logs each run and exits non-zero when a record is refused.
- Help: an example for every parameter set, and for -LiteralPath, -BackupPath, -LogPath, -BackupFolder and -AllowChangedSinceReset.'
        }
    }
}
