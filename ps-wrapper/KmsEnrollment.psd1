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
            # The build puts CHANGELOG.md's entry of this version here (scripts/build.mjs).
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
