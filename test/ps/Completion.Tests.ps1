# Tab completion of -Mailbox and -Id from the database that -Path or the settings file names.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function Get-Completion {
        param([string] $Line)
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
    }

    $script:Db = New-KmsDb @{
        'Ma.ini' = $Stuck -f 'jdoe'
        'Mb.ini' = "[Client]`r`nAlias = jane smith`r`nState = 1`r`n"
        'Nc.ini' = $Stuck -f 'asmith'
    }
}

Describe 'Argument completers' {
    It 'complete -Mailbox with the aliases of the database that -Path names, quoted where needed' {
        Get-Completion "Get-KmsRecord -Path '$Db' -Mailbox j" | Should -Be @("'jane smith'", 'jdoe')
        Get-Completion "Reset-KmsEnrollment -Path '$Db' -Mailbox as" | Should -Be @('asmith')
    }

    It 'complete -Id with the record ids of that database' {
        Get-Completion "Restore-KmsEnrollment -Path '$Db' -Id M" | Should -Be @('Ma', 'Mb')
        Get-Completion "Restore-KmsEnrollment -LogPath x.log -Path '$Db' -Id " | Should -Be @('Ma', 'Mb', 'Nc')
    }

    It 'read the database of the settings file when no path is given' {
        $settings = Join-Path (New-TestFolder) 'kmsdb.ini'
        Set-Content -LiteralPath $settings -Value "[defaults]`ndatabase = $Db"
        $before = $env:KMSDB_CONFIG
        $env:KMSDB_CONFIG = $settings
        try {
            Get-Completion 'Reset-KmsEnrollment -Mailbox jd' | Should -Be @('jdoe')
        } finally {
            if ($null -eq $before) { Remove-Item Env:KMSDB_CONFIG -ErrorAction Ignore } else { $env:KMSDB_CONFIG = $before }
        }
    }

    It 'complete the commands of a module imported with -Prefix, module-qualified too' {
        Import-Module $ModuleManifest -Force -Prefix Contoso
        try {
            Get-Completion "Get-ContosoKmsRecord -Path '$Db' -Mailbox j" | Should -Be @("'jane smith'", 'jdoe')
            Get-Completion "KmsEnrollment\Restore-ContosoKmsEnrollment -Path '$Db' -Id M" | Should -Be @('Ma', 'Mb')
        } finally {
            Import-Module $ModuleManifest -Force
        }
    }

    It 'offer nothing of their own, and say nothing, when the database cannot be read' {
        $missing = Join-Path (New-TestFolder) 'no-such-folder'
        # Where a completer has nothing, PowerShell offers file names of the current folder, as for a
        # parameter with none: a folder holding names that start as typed shows that the module added nothing.
        $here = New-TestFolder
        Set-Content -LiteralPath (Join-Path $here 'jfile.txt') -Value 'x'
        Set-Content -LiteralPath (Join-Path $here 'Mnotes.txt') -Value 'x'
        function Test-KmsNoCompleter { param([string] $Name) }
        $errors = $Error.Count
        Push-Location -LiteralPath $here
        try {
            $plainJ = Get-Completion 'Test-KmsNoCompleter -Name j'
            $plainM = Get-Completion 'Test-KmsNoCompleter -Name M'
            $mailbox = Get-Completion "Get-KmsRecord -Path '$missing' -Mailbox j"
            $id = Get-Completion "Restore-KmsEnrollment -Path '$missing' -Id M"
        } finally {
            Pop-Location
        }
        @($plainJ).Count | Should -Be 1
        $mailbox | Should -Be $plainJ
        $id | Should -Be $plainM
        $Error.Count | Should -Be $errors
    }
}
