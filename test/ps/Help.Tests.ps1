# Help checked against the code, on the model of dbatools' InModule.Help.Tests.ps1: help for a
# parameter that no longer exists, or a Required that the code contradicts, fails, and every
# parameter set has an example.
BeforeDiscovery {
    $script:Commands = @('Get-KmsRecord', 'Reset-KmsEnrollment', 'Restore-KmsEnrollment')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

    # What the help says that the code contradicts: .PARAMETER entries of no parameter, and Required
    # values that are not the code's (true when the parameter is mandatory in any of its sets, as Get-Help shows it).
    function Find-HelpMismatch {
        param($Command, $Help, [string[]] $HelpParameterNames)
        $found = New-Object System.Collections.Generic.List[string]
        foreach ($name in $HelpParameterNames) {
            if (-not $Command.Parameters.ContainsKey($name)) { $found.Add("help for -$name, which $($Command.Name) does not have") }
        }
        foreach ($parameter in $Command.Parameters.Values | Where-Object { $Common -notcontains $_.Name }) {
            $helped = @($Help.Parameters.Parameter | Where-Object Name -EQ $parameter.Name)
            if ($helped.Count -ne 1) { $found.Add("-$($parameter.Name) has $($helped.Count) help entries"); continue }
            $mandatory = [bool]@($parameter.ParameterSets.Values | Where-Object IsMandatory)
            if ([string]$helped[0].Required -ne $mandatory.ToString().ToLowerInvariant()) {
                $found.Add("-$($parameter.Name): help says Required $($helped[0].Required), the code says $mandatory")
            }
        }
        , $found.ToArray()
    }

    # The parameters (by their names, not aliases) that the examples' calls of the command name.
    function Get-ExampleParameterName {
        param($Command, $Help)
        $names = @{}
        foreach ($p in $Command.Parameters.Values) {
            $names[$p.Name] = $p.Name
            foreach ($alias in $p.Aliases) { $names[$alias] = $p.Name }
        }
        $used = foreach ($example in $Help.Examples.Example) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$example.Code, [ref]$null, [ref]$null)
            foreach ($call in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and $n.GetCommandName() -eq $Command.Name }, $true)) {
                $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $names[$_.ParameterName] }
            }
        }
        , @($used | Where-Object { $_ } | Sort-Object -Unique)
    }

    # The parameter sets that the examples' calls of the command select, by the parameters they name.
    function Get-ExampleParameterSet {
        param($Command, $Help)
        $names = @{}
        foreach ($p in $Command.Parameters.Values) {
            $names[$p.Name] = $p
            foreach ($alias in $p.Aliases) { $names[$alias] = $p }
        }
        $sets = New-Object System.Collections.Generic.List[string]
        foreach ($example in $Help.Examples.Example) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$example.Code, [ref]$null, [ref]$null)
            foreach ($call in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and $n.GetCommandName() -eq $Command.Name }, $true)) {
                $given = @($call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $names[$_.ParameterName] } | Where-Object { $_ })
                $candidates = @($Command.ParameterSets | Where-Object {
                        $setNames = @($_.Parameters | ForEach-Object Name)
                        @($given | Where-Object { $setNames -notcontains $_.Name }).Count -eq 0
                    })
                if ($candidates.Count -eq 1) { $sets.Add($candidates[0].Name) }
                elseif (@($candidates | Where-Object IsDefault)) { $sets.Add(($candidates | Where-Object IsDefault).Name) }
            }
        }
        , @($sets | Sort-Object -Unique)
    }
}

Describe 'Help of <_>, against its code' -ForEach $Commands {
    BeforeAll {
        $command = Get-Command -Name $_
        $help = Get-Help -Name $_ -Full
        $helpContent = $command.ScriptBlock.Ast.GetHelpContent()
    }

    It 'describes only parameters that exist, with the Required the code gives them' {
        Find-HelpMismatch -Command $command -Help $help -HelpParameterNames @($helpContent.Parameters.Keys) | Should -BeNullOrEmpty
    }

    # Get-Help leaves "Aliases" empty for comment-based help, so a parameter's own text names them.
    It 'names each parameter''s aliases in its text' {
        foreach ($parameter in $command.Parameters.Values | Where-Object { $Common -notcontains $_.Name -and $_.Aliases.Count }) {
            $text = (Get-Help -Name $command.Name -Parameter $parameter.Name).description.Text -join ' '
            foreach ($alias in $parameter.Aliases) {
                $text | Should -Match ('\balias(es)?\b[^.]*\b{0}\b' -f [regex]::Escape($alias)) -Because "-$($parameter.Name) has the alias $alias"
            }
        }
    }

    It 'has an example for every parameter set' {
        $covered = Get-ExampleParameterSet -Command $command -Help $help
        foreach ($set in $command.ParameterSets.Name) { $covered | Should -Contain $set -Because "parameter set $set needs an example" }
    }

    It 'has an example of each parameter an admin asked for' {
        $wanted = @{
            'Get-KmsRecord'         = @('LiteralPath')
            'Reset-KmsEnrollment'   = @('BackupPath', 'LogPath')
            'Restore-KmsEnrollment' = @('BackupFolder', 'AllowChangedSinceReset')
        }[$_]
        $used = Get-ExampleParameterName -Command $command -Help $help
        foreach ($name in $wanted) { $used | Should -Contain $name -Because "-$name needs an example" }
    }

    It 'marks examples that need PowerShell 7' {
        foreach ($example in $help.Examples.Example) {
            if ([string]$example.Code -match 'New-PSSession\s[^|]*-HostName|ForEach-Object\s+-Parallel') {
                ($example.Remarks | Out-String) | Should -Match 'PowerShell 7 only'
            }
        }
    }
}

Describe 'The help check' {
    BeforeAll {
        function Test-HelpCheck {
            <#
            .SYNOPSIS
            A function whose help is checked.
            .PARAMETER Name
            A name.
            .PARAMETER Gone
            A parameter that was removed.
            .EXAMPLE
            Test-HelpCheck -Name x
            Names x.
            #>
            [CmdletBinding(DefaultParameterSetName = 'ByName')]
            param(
                [Parameter(Mandatory, ParameterSetName = 'ByName')] [string] $Name,
                [Parameter(ParameterSetName = 'ById')] [int] $Id
            )
        }
        $fake = Get-Command Test-HelpCheck
        $fakeHelp = Get-Help Test-HelpCheck -Full
    }

    It 'finds help for a parameter that no longer exists' {
        Find-HelpMismatch -Command $fake -Help $fakeHelp -HelpParameterNames @($fake.ScriptBlock.Ast.GetHelpContent().Parameters.Keys) | Should -Match 'help for -GONE'
    }

    It 'finds a help Required that the code contradicts' {
        # As external (MAML) help would carry it, written by hand and out of date.
        $stale = [PSCustomObject]@{ Parameters = [PSCustomObject]@{ Parameter = @(
                    [PSCustomObject]@{ Name = 'Name'; Required = 'false' }
                    [PSCustomObject]@{ Name = 'Id'; Required = 'true' }
                ) } }
        $found = Find-HelpMismatch -Command $fake -Help $stale -HelpParameterNames @('Name', 'Id')
        $found | Should -Contain '-Name: help says Required false, the code says True'
        $found | Should -Contain '-Id: help says Required true, the code says False'
    }

    It 'finds a parameter set without an example' {
        Get-ExampleParameterSet -Command $fake -Help $fakeHelp | Should -Be @('ByName')
    }
}

Describe 'about_KmsEnrollment' {
    It 'counts the cmdlets as many as the module exports, and says so after listing them' {
        $about = Get-Content -Raw -LiteralPath (Join-Path $Root 'dist/KmsEnrollment/en-US/about_KmsEnrollment.help.txt')
        $count = @(Get-Command -Module KmsEnrollment).Count
        $words = @{ 2 = 'two'; 3 = 'three'; 4 = 'four' }
        $about | Should -Match "The module has $($words[$count]) cmdlets"
        if ($count -ne 2) { $about | Should -Not -Match '\bBoth (run|read|take|write)' }
    }

    It 'names every ErrorId the module can give, so that an admin can look each one up' {
        # From the module's syntax tree: the value of each -ErrorId, and each 'Kms...' string that an
        # ErrorCategory name follows in a list (Write-KmsRefusal's table, an ErrorRecord's arguments).
        $tokens = $null
        $parseErrors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $Root 'dist/KmsEnrollment/KmsEnrollment.psm1'), [ref]$tokens, [ref]$parseErrors)
        $categories = [enum]::GetNames([System.Management.Automation.ErrorCategory])
        $ids = New-Object System.Collections.Generic.HashSet[string]
        foreach ($command in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $elements = $command.CommandElements
            for ($i = 0; $i -lt $elements.Count - 1; $i++) {
                if ($elements[$i] -is [System.Management.Automation.Language.CommandParameterAst] -and $elements[$i].ParameterName -eq 'ErrorId' -and
                    $elements[$i + 1] -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $null = $ids.Add($elements[$i + 1].Value) }
            }
        }
        foreach ($list in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.ArrayLiteralAst] }, $true)) {
            $elements = $list.Elements
            for ($i = 0; $i -lt $elements.Count - 1; $i++) {
                if ($elements[$i] -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $elements[$i].Value -match '^Kms\w+$' -and
                    $elements[$i + 1] -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $categories -contains $elements[$i + 1].Value) { $null = $ids.Add($elements[$i].Value) }
            }
        }
        # Each form is found: a -ErrorId, a refusal of the table and its fallback, an ErrorRecord's.
        foreach ($known in 'KmsdbBadRequest', 'KmsRecordHasCertificates', 'KmsRecordRefused', 'KmsModuleOutdated') { $ids | Should -Contain $known }
        $ids.Count | Should -BeGreaterThan 30
        $about = Get-Content -Raw -LiteralPath (Join-Path $Root 'dist/KmsEnrollment/en-US/about_KmsEnrollment.help.txt')
        @($ids | Where-Object { $about -notmatch ('\b' + $_ + '\b') } | Sort-Object) | Should -BeNullOrEmpty
    }

    It 'has each section that the module''s text sends an admin to, by its heading' {
        $about = Get-Content -Raw -LiteralPath (Join-Path $Root 'dist/KmsEnrollment/en-US/about_KmsEnrollment.help.txt')
        $headings = @([regex]::Matches($about, '(?m)^[A-Z][A-Z0-9 ,-]+(?=\r?$)') | ForEach-Object Value)
        $headings | Should -Contain 'THE SETTINGS FILE'
        $files = Get-ChildItem -LiteralPath (Join-Path $Root 'dist/KmsEnrollment') -Recurse -Include '*.psm1', '*.ps1', '*.txt'
        $named = foreach ($file in $files) {
            foreach ($m in [regex]::Matches((Get-Content -Raw -LiteralPath $file.FullName), 'about_KmsEnrollment,\s+([A-Z][A-Za-z0-9 -]+)\)')) {
                [PSCustomObject]@{ File = $file.Name; Section = $m.Groups[1].Value -replace '\s+', ' ' }
            }
        }
        @($named).Count | Should -BeGreaterThan 1
        @($named | Where-Object Section -NotIn $headings | ForEach-Object { '{0}: {1}' -f $_.File, $_.Section }) | Should -BeNullOrEmpty
    }
}
