# What admins pipe into Reset-KmsEnrollment (files, path strings, CSV rows) and how its paths are
# resolved (a PSDrive made inside a function), driven against real records in temp databases.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    $script:Done = "[Client]`r`nDN = /o=Contoso/ou=Site/cn=Recipients/cn=done`r`nState = 1`r`n"

    # Three stuck records, one already fixed.
    function New-BindingDb {
        New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = $Stuck -f 'asmith'; 'Mc.ini' = $Done; 'Md.ini' = $Stuck -f 'bwayne' }
    }

    # The State of each record, by file name: what a run changed shows as 1.
    function Get-States {
        param([string] $Db)
        $states = [ordered]@{}
        foreach ($file in Get-ChildItem -LiteralPath $Db -File | Sort-Object Name) {
            $states[$file.BaseName] = [regex]::Match([System.IO.File]::ReadAllText($file.FullName), 'State = (\d)').Groups[1].Value
        }
        ($states.Keys | ForEach-Object { '{0}={1}' -f $_, $states[$_] }) -join ' '
    }

    # What a run left besides the records: backups, and lines in the audit log.
    function Get-Traces {
        param([string] $Db)
        $backups = @(Get-ChildItem -LiteralPath "$Db.kmsdb-backup" -Filter '*.bak' -ErrorAction Ignore).Count
        $logged = @(Get-Content -LiteralPath (Join-Path "$Db.kmsdb-backup" 'kmsdb-audit.log') -ErrorAction Ignore).Count
        '{0} backed up, {1} logged' -f $backups, $logged
    }
}

Describe 'Reset-KmsEnrollment binds what admins pipe into it' {
    It 'Get-ChildItem *.ini | Reset-KmsEnrollment resets exactly the stuck records piped' {
        $db = New-BindingDb
        $results = @(Get-ChildItem -Path (Join-Path $db '*.ini') -Exclude 'Md.ini' | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems)
        @($problems).Count | Should -Be 0
        @($results | ForEach-Object { '{0}:{1}' -f $_.Id, $_.Status }) | Should -Be @('Ma:Reset', 'Mb:Reset', 'Mc:Unchanged')
        $results[0].Path | Should -Be (Join-Path $db 'Ma.ini')
        Get-States $db | Should -Be 'Ma=1 Mb=1 Mc=1 Md=4'
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be (ConvertTo-AnsiBase64 (Get-ResetText ($Stuck -f 'jdoe')))
    }

    It '''x.ini'' | Reset-KmsEnrollment takes a path string, full or relative to the current location' {
        $db = New-BindingDb
        $results = @((Join-Path $db 'Ma.ini') | Reset-KmsEnrollment -Confirm:$false)
        Push-Location -LiteralPath $db
        try {
            $results += @('Mb.ini' | Reset-KmsEnrollment -Confirm:$false)
        } finally {
            Pop-Location
        }
        @($results | ForEach-Object { '{0}:{1}' -f $_.Id, $_.Status }) | Should -Be @('Ma:Reset', 'Mb:Reset')
        $results[1].Path | Should -Be (Join-Path $db 'Mb.ini')
        Get-States $db | Should -Be 'Ma=1 Mb=1 Mc=1 Md=4'
    }

    It 'Import-Csv users.csv | Reset-KmsEnrollment -Path $db binds Mailbox by property name' {
        $db = New-BindingDb
        $csv = Join-Path (New-TestFolder) 'users.csv'
        Set-Content -LiteralPath $csv -Value @('Name,Mailbox,Department', 'John Doe,jdoe,Sales', 'Ann Smith,asmith,IT')
        $results = @(Import-Csv -LiteralPath $csv | Reset-KmsEnrollment -Path $db -Confirm:$false -ErrorVariable problems)
        @($problems).Count | Should -Be 0
        @($results | ForEach-Object { '{0}:{1}' -f $_.Id, $_.Status }) | Should -Be @('Ma:Reset', 'Mb:Reset')
        Get-States $db | Should -Be 'Ma=1 Mb=1 Mc=1 Md=4'
    }

    It 'Reset-KmsEnrollment -Mailbox with no -Path resets in the database of the settings file' {
        $db = New-BindingDb
        $settings = Join-Path (New-TestFolder) 'kmsdb.ini'
        Set-Content -LiteralPath $settings -Value "[defaults]`ndatabase = $db"
        $before = $env:KMSDB_CONFIG
        $env:KMSDB_CONFIG = $settings
        try {
            $result = Reset-KmsEnrollment -Mailbox jdoe -Confirm:$false -ErrorVariable problems
        } finally {
            if ($null -eq $before) { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore } else { $env:KMSDB_CONFIG = $before }
        }
        @($problems).Count | Should -Be 0
        $result.Status | Should -Be 'Reset'
        $result.Path | Should -Be (Join-Path $db 'Ma.ini')
        Get-States $db | Should -Be 'Ma=1 Mb=4 Mc=1 Md=4'
    }

    It 'a -Mailbox that matches nothing is a non-terminating KmsRecordNotFound error, $? is False, and nothing changes' {
        $db = New-BindingDb
        $before = @{}
        foreach ($file in Get-ChildItem -LiteralPath $db -File) { $before[$file.Name] = Get-Bytes $file.FullName }
        $results = @(Reset-KmsEnrollment -Path $db -Mailbox 'jdoo' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        $ok = $?
        $ok | Should -BeFalse
        $results.Count | Should -Be 0
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'KmsRecordNotFound,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be 'jdoo'
        $problems[0].Exception.Message | Should -Match "jdoo"
        foreach ($name in $before.Keys) { Get-Bytes (Join-Path $db $name) | Should -Be $before[$name] }
        Get-Traces $db | Should -Be '0 backed up, 0 logged'
    }

    It 'with several mailboxes, one that matches nothing is an error, and the others still run' {
        $db = New-BindingDb
        $results = @(Reset-KmsEnrollment -Path $db -Mailbox 'jdoe', 'jdoo', 'asmith' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        $ok = $?
        $ok | Should -BeFalse
        @($results | ForEach-Object { '{0}:{1}' -f $_.Id, $_.Status }) | Should -Be @('Ma:Reset', 'Mb:Reset')
        @($problems.FullyQualifiedErrorId) | Should -Be @('KmsRecordNotFound,Reset-KmsEnrollment')
        $problems[0].TargetObject | Should -Be 'jdoo'
        Get-States $db | Should -Be 'Ma=1 Mb=1 Mc=1 Md=4'
        Get-Traces $db | Should -Be '2 backed up, 2 logged'
    }

    It 'a CSV row whose Mailbox matches nothing is an error, and the other rows still run' {
        $db = New-BindingDb
        $csv = Join-Path (New-TestFolder) 'users.csv'
        Set-Content -LiteralPath $csv -Value @('Mailbox', 'jdoe', 'nobody', 'asmith')
        $results = @(Import-Csv -LiteralPath $csv | Reset-KmsEnrollment -Path $db -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)
        @($results.Id) | Should -Be @('Ma', 'Mb')
        @($problems.FullyQualifiedErrorId) | Should -Be @('KmsRecordNotFound,Reset-KmsEnrollment')
        $problems[0].TargetObject | Should -Be 'nobody'
        Get-States $db | Should -Be 'Ma=1 Mb=1 Mc=1 Md=4'
    }
}

Describe 'A call that names no database, and no settings file names one' {
    BeforeAll {
        $script:settings = Join-Path (New-TestFolder) 'kmsdb.ini'
        Set-Content -LiteralPath $settings -Value "[defaults]`nbackupDir = $(Join-Path (New-TestFolder) 'backups')"
        $script:before = $env:KMSDB_CONFIG
        $env:KMSDB_CONFIG = $settings
    }
    AfterAll {
        if ($null -eq $before) { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore } else { $env:KMSDB_CONFIG = $before }
    }

    It 'is KmsDatabaseNotGiven for <Name>, an ArgumentException that says to pass -Path' -ForEach @(
        @{ Name = 'Get-KmsRecord'; Call = { Get-KmsRecord -ErrorVariable problems -ErrorAction SilentlyContinue } }
        @{ Name = 'Reset-KmsEnrollment'; Call = { Reset-KmsEnrollment -Mailbox jdoe -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue } }
    ) {
        $out = @(. $Call)
        $out.Count | Should -Be 0
        @($problems.FullyQualifiedErrorId) | Should -Be @("KmsDatabaseNotGiven,$Name")
        $problems[0].Exception | Should -BeOfType [System.ArgumentException]
        $problems[0].Exception.Message | Should -Match '-Path is required \(or a database in the settings file\)'
        $problems[0].ErrorDetails.RecommendedAction | Should -Match 'Pass -Path'
    }
}

Describe 'Get-KmsRecord -Mailbox that matches nothing, as Get-ADUser -Identity does' {
    It 'is a non-terminating KmsRecordNotFound error naming the pattern; $? is False; the other patterns still give their records' {
        $db = New-BindingDb
        $records = @(Get-KmsRecord -Path $db -Mailbox 'jdoe', 'jdeo', 'asmith' -ErrorVariable problems -ErrorAction SilentlyContinue)
        $ok = $?
        $ok | Should -BeFalse
        @($records.Id) | Should -Be @('Ma', 'Mb')
        @($problems.FullyQualifiedErrorId) | Should -Be @('KmsRecordNotFound,Get-KmsRecord')
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be 'jdeo'
        $problems[0].Exception.Message | Should -Match "'jdeo'"
    }

    It 'so that Get-KmsRecord -Mailbox typo | Reset-KmsEnrollment says so, and changes nothing' {
        $db = New-BindingDb
        $results = @(Get-KmsRecord -Path $db -Mailbox 'jdeo' -ErrorVariable problems -ErrorAction SilentlyContinue | Reset-KmsEnrollment -Confirm:$false -ErrorVariable resetProblems)
        $results.Count | Should -Be 0
        @($problems.FullyQualifiedErrorId) | Should -Be @('KmsRecordNotFound,Get-KmsRecord')
        $problems[0].ErrorDetails.RecommendedAction | Should -Match 'Get-KmsRecord -Path <database folder> -Mailbox'
        @($resetProblems).Count | Should -Be 0
        Get-States $db | Should -Be 'Ma=4 Mb=4 Mc=1 Md=4'
    }

    It 'with -Affected, a mailbox whose record is not stuck is no error: the record exists, and it is not stuck' {
        $db = New-BindingDb
        $records = @(Get-KmsRecord -Path $db -Mailbox 'done', 'jdoe' -Affected -ErrorVariable problems)
        @($problems).Count | Should -Be 0
        @($records.Id) | Should -Be @('Ma')
    }
}

Describe 'A PSDrive made inside a function, as admins reach a share with other credentials' {
    BeforeEach {
        $script:db = New-BindingDb
        $script:store = New-TestFolder
    }

    It 'Get-KmsRecord -Path KMSX:\ reads the database, and names the real files' {
        function Read-ThroughDrive {
            param([string] $Root)
            $null = New-PSDrive -Name KMSX -PSProvider FileSystem -Root $Root
            Get-KmsRecord -Path KMSX:\ -ErrorVariable problems
            @($problems).Count | Should -Be 0
        }
        $records = @(Read-ThroughDrive -Root $db)
        @($records.Id) | Should -Be @('Ma', 'Mb', 'Mc', 'Md')
        $records[0].Path | Should -Be (Join-Path $db 'Ma.ini')
    }

    It 'Reset-KmsEnrollment -Path KMSX:\file.ini, with the backups and the log on another such drive, resets the real file; Restore-KmsEnrollment -LogPath -BackupFolder on that drive puts it back' {
        function Reset-ThroughDrive {
            param([string] $Root, [string] $Store)
            $null = New-PSDrive -Name KMSX -PSProvider FileSystem -Root $Root
            $null = New-PSDrive -Name KMSB -PSProvider FileSystem -Root $Store
            Reset-KmsEnrollment -Path 'KMSX:\Ma.ini' -BackupPath 'KMSB:\backups' -LogPath 'KMSB:\audit.log' -Confirm:$false -ErrorVariable problems
            @($problems).Count | Should -Be 0
        }
        function Restore-ThroughDrive {
            param([string] $Root, [string] $Store)
            $null = New-PSDrive -Name KMSX -PSProvider FileSystem -Root $Root
            $null = New-PSDrive -Name KMSB -PSProvider FileSystem -Root $Store
            Restore-KmsEnrollment -LogPath 'KMSB:\audit.log' -BackupFolder 'KMSB:\backups' -Path 'KMSX:\' -Confirm:$false -ErrorVariable problems
            @($problems).Count | Should -Be 0
        }
        $reset = Reset-ThroughDrive -Root $db -Store $store
        $reset.Status | Should -Be 'Reset'
        $reset.Path | Should -Be (Join-Path $db 'Ma.ini')
        Split-Path -Parent $reset.BackupPath | Should -Be (Join-Path $store 'backups')
        Get-States $db | Should -Be 'Ma=1 Mb=4 Mc=1 Md=4'
        (Get-Content -LiteralPath (Join-Path $store 'audit.log') -Encoding UTF8 | ConvertFrom-Json).path | Should -Be (Join-Path $db 'Ma.ini')
        Test-Path -LiteralPath "$db.kmsdb-backup" | Should -BeFalse

        $restore = Restore-ThroughDrive -Root $db -Store $store
        $restore.Status | Should -Be 'Restored'
        $restore.Path | Should -Be (Join-Path $db 'Ma.ini')
        Get-Bytes (Join-Path $db 'Ma.ini') | Should -Be (ConvertTo-AnsiBase64 ($Stuck -f 'jdoe'))
    }

    It 'Reset-KmsEnrollment -Path KMSX:\ -Mailbox, and a relative path while the function stands on the drive, reach the real files' {
        function Reset-OnDrive {
            param([string] $Root)
            $null = New-PSDrive -Name KMSX -PSProvider FileSystem -Root $Root
            Reset-KmsEnrollment -Path KMSX:\ -Mailbox jdoe -Confirm:$false -ErrorVariable problems
            Push-Location -Path KMSX:\
            try {
                'Mb.ini' | Reset-KmsEnrollment -Confirm:$false -ErrorVariable +problems
            } finally {
                Pop-Location
            }
            @($problems).Count | Should -Be 0
        }
        $results = @(Reset-OnDrive -Root $db)
        @($results | ForEach-Object { '{0}:{1}' -f $_.Id, $_.Status }) | Should -Be @('Ma:Reset', 'Mb:Reset')
        $results[1].Path | Should -Be (Join-Path $db 'Mb.ini')
        Get-States $db | Should -Be 'Ma=1 Mb=1 Mc=1 Md=4'
    }
}

Describe 'A drive made inside a function that shadows the drive its records are on' {
    # Inside the function, D:\x means ROOT\x. A record read there is named by its real path,
    # ROOT\x: read once more as a PowerShell path, it would be ROOT\ROOT\x, another folder that
    # may hold a copy of the database with the same bytes. On Linux, real paths start with / and
    # name no drive, so the same pipelines must simply reach the folder that was read.
    It 'Get-KmsRecord | Reset-KmsEnrollment, Get-ChildItem | Reset-KmsEnrollment and the results | Restore-KmsEnrollment change the files that were read' {
        $source = New-BindingDb
        $outer = New-TestFolder
        $drive = 'KMSS'
        $named = 'KMSS:\Mgrent\Clients'
        if ($IsWindows) {
            $drive = $outer.Substring(0, 1)
            $named = $source
        }
        # What the function reads, and the same path read through the drive once more: both the same bytes.
        $read = Join-Path $outer ($named -replace '^[^:]+:', '')
        $twice = Join-Path $outer ($read -replace '^[^:]+:', '')
        foreach ($copy in @($read, $twice)) {
            $null = New-Item -ItemType Directory -Path (Split-Path -Parent $copy) -Force
            Copy-Item -LiteralPath $source -Destination $copy -Recurse
        }
        function Use-ShadowDrive {
            param([string] $Drive, [string] $Root, [string] $Named)
            $null = New-PSDrive -Name $Drive -PSProvider FileSystem -Root $Root
            $reset = @(Get-KmsRecord -Path $Named -Mailbox jdoe | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems)
            $reset += @(Get-ChildItem -Path (Join-Path $Named 'Mb.ini') | Reset-KmsEnrollment -Confirm:$false -ErrorVariable +problems)
            $restored = @($reset | Restore-KmsEnrollment -Confirm:$false -ErrorVariable +problems)
            @($problems).Count | Should -Be 0
            [PSCustomObject]@{ Reset = $reset; Restored = $restored }
        }
        $done = Use-ShadowDrive -Drive $drive -Root $outer -Named $named
        @($done.Reset.Path) | Should -Be @((Join-Path $read 'Ma.ini'), (Join-Path $read 'Mb.ini'))
        @($done.Restored.Path) | Should -Be @((Join-Path $read 'Ma.ini'), (Join-Path $read 'Mb.ini'))
        Get-Traces $read | Should -Be '4 backed up, 4 logged'
        Get-States $twice | Should -Be 'Ma=4 Mb=4 Mc=1 Md=4'
        Test-Path -LiteralPath "$twice.kmsdb-backup" | Should -BeFalse
        Get-States $source | Should -Be 'Ma=4 Mb=4 Mc=1 Md=4'
    }
}

Describe "The caller's own commands and defaults do not answer the module's path questions" {
    It 'Get-KmsRecord -Path reads the database in a function that has its own <Name>' -ForEach @(
        @{ Name = 'Test-Path function'; Setup = { function Test-Path { $false } } }
        @{ Name = 'Test-Path alias'; Setup = { function Get-Nothing { $false }; Set-Alias -Name Test-Path -Value Get-Nothing } }
        @{ Name = 'default Test-Path:PathType Leaf'; Setup = { $PSDefaultParameterValues = @{ 'Test-Path:PathType' = 'Leaf' } } }
    ) {
        $db = New-BindingDb
        function Read-WithOwn {
            param([string] $Db, [scriptblock] $Setup)
            . $Setup
            Get-KmsRecord -Path $Db -ErrorVariable problems -ErrorAction SilentlyContinue
            @($problems).Count | Should -Be 0
        }
        @((Read-WithOwn -Db $db -Setup $Setup).Id) | Should -Be @('Ma', 'Mb', 'Mc', 'Md')
    }
}

Describe 'A path of another provider, piped or given' {
    It '<Form> is a KmsPathNotFileSystem error of its own, and nothing else fails' -ForEach @(
        @{ Form = "'Variable:\x.ini' | Reset-KmsEnrollment"; Code = { 'Variable:\x.ini' | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue; $problems } }
        @{ Form = "'Env:\x.ini' | Reset-KmsEnrollment"; Code = { 'Env:\x.ini' | Reset-KmsEnrollment -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue; $problems } }
        @{ Form = 'Restore-KmsEnrollment -BackupPath Function:\x.bak'; Code = { Restore-KmsEnrollment -BackupPath 'Function:\x.ini.20261125T071500000Z.bak' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue; $problems } }
        @{ Form = 'Restore-KmsEnrollment -BackupPath FILE -Path Variable:\x.ini'; Code = { Restore-KmsEnrollment -BackupPath (Join-Path (New-TestFolder) 'x.ini.20261125T071500000Z.bak') -Path 'Variable:\x.ini' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue; $problems } }
    ) {
        $problems = @(& $Code)
        @($problems.FullyQualifiedErrorId) | Should -Be @("KmsPathNotFileSystem,$(if ($Form -match 'Restore') { 'Restore' } else { 'Reset' })-KmsEnrollment")
    }
}
