# -Verbose says where kmsdb put the backups and the audit log (as kmsdb itself resolved them: an
# option, the settings file or its default) and each batch the module sent.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    # The verbose messages of a command's output, merged in with 4>&1.
    function Get-VerboseText {
        param([object[]] $Output)
        @($Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message })
    }
}

Describe '-Verbose on Reset-KmsEnrollment and Restore-KmsEnrollment' {
    It 'Reset-KmsEnrollment says each batch it sends, and the backup folder and audit log kmsdb used for it' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = $Stuck -f 'asmith'; 'Mc.ini' = $Stuck -f 'bwayne' }
        $store = New-TestFolder
        $backups = Join-Path $store 'backups'
        $log = Join-Path $store 'audit.log'
        $output = Get-KmsRecord -Path $db | Reset-KmsEnrollment -BatchSize 2 -BackupPath $backups -LogPath $log -Confirm:$false -Verbose 4>&1
        @($output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 3
        $verbose = Get-VerboseText $output
        @($verbose | Where-Object { $_ -like 'kmsdb reset: * record(s) in *' }) | Should -Be @("kmsdb reset: 2 record(s) in $db.", "kmsdb reset: 1 record(s) in $db.")
        $folders = @($verbose | Where-Object { $_ -match 'backups go to' })
        $folders.Count | Should -Be 2
        foreach ($line in $folders) { $line | Should -Match ('backups go to {0}, and the audit log is {1}\.$' -f [regex]::Escape($backups), [regex]::Escape($log)) }
    }

    It 'names the folders kmsdb took from the settings file, which the module never reads' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $store = New-TestFolder
        $settings = Join-Path $store 'kmsdb.ini'
        Set-Content -LiteralPath $settings -Value "[defaults]`nbackupDir = $(Join-Path $store 'from-settings')`nlog = $(Join-Path $store 'settings-audit.log')"
        $before = $env:KMSDB_CONFIG
        $env:KMSDB_CONFIG = $settings
        try {
            $output = Reset-KmsEnrollment -Path $db -Mailbox jdoe -Confirm:$false -Verbose 4>&1
        } finally {
            if ($null -eq $before) { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore } else { $env:KMSDB_CONFIG = $before }
        }
        $verbose = Get-VerboseText $output
        $verbose | Should -Contain ('kmsdb reset selected 1 record(s) in {0}.' -f $db)
        @($verbose | Where-Object { $_ -match 'backups go to' }) | Should -Match ('backups go to {0}, and the audit log is {1}\.$' -f [regex]::Escape((Join-Path $store 'from-settings')), [regex]::Escape((Join-Path $store 'settings-audit.log')))
        Test-Path -LiteralPath (Join-Path $store 'settings-audit.log') | Should -BeTrue
    }

    It 'says that a reset with no -Path works in the database the settings file names, which no log does for a reset' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $settings = Join-Path (New-TestFolder) 'kmsdb.ini'
        Set-Content -LiteralPath $settings -Value "[defaults]`ndatabase = $db"
        $before = $env:KMSDB_CONFIG
        $env:KMSDB_CONFIG = $settings
        try {
            $output = Reset-KmsEnrollment -Mailbox jdoe -Confirm:$false -Verbose 4>&1
        } finally {
            if ($null -eq $before) { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore } else { $env:KMSDB_CONFIG = $before }
        }
        $verbose = Get-VerboseText $output
        $verbose | Should -Contain 'kmsdb reset: the records kmsdb selects in the database the settings file names.'
        $verbose | Should -Contain 'kmsdb reset selected 1 record(s) in the database the settings file names.'
    }

    It 'Restore-KmsEnrollment says the backup folder and audit log kmsdb used' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $null = Reset-KmsEnrollment -Path $db -Mailbox jdoe -Confirm:$false
        $log = Join-Path "$db.kmsdb-backup" 'kmsdb-audit.log'
        # A restore takes the backups from the backup folder it is given (and backs up there the bytes it replaces).
        $store = "$db.kmsdb-backup"
        $output = Restore-KmsEnrollment -LogPath $log -Path $db -BackupFolder $store -Confirm:$false -Verbose 4>&1
        @($output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Status | Should -Be 'Restored'
        $verbose = Get-VerboseText $output
        @($verbose | Where-Object { $_ -match 'backups go to' }) | Should -Match ('^kmsdb restore in .*: backups go to {0}, and the audit log is {1}\.$' -f [regex]::Escape($store), [regex]::Escape($log))
    }
}
