BeforeDiscovery {
    $root = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
    $script:SourceFiles = @(Get-ChildItem -LiteralPath (Join-Path $root 'ps-wrapper') -Recurse -Include '*.ps1', '*.psm1', '*.psd1' |
            ForEach-Object { @{ Path = $_.FullName; Name = $_.FullName.Substring($root.Length + 1) } })
    $script:Commands = @('Get-KmsRecord', 'Reset-KmsEnrollment', 'Restore-KmsEnrollment')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    # Constructs Windows PowerShell 5.1 cannot parse or run, found in a file's syntax tree.
    function Find-Pwsh7Construct {
        param([string] $Path, [string] $Text)
        $tokens = $null
        $errors = $null
        if ($Path) { $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors) }
        else { $ast = [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref]$tokens, [ref]$errors) }
        $found = New-Object System.Collections.Generic.List[string]
        foreach ($t in $tokens) {
            if ($t.Kind -in 'QuestionQuestion', 'QuestionQuestionEquals', 'AndAnd', 'OrOr', 'QuestionDot', 'QuestionLBracket') { $found.Add("$($t.Kind) at line $($t.Extent.StartLineNumber)") }
        }
        $asts = $ast.FindAll({ $true }, $true)
        foreach ($a in $asts) {
            $type = $a.GetType().Name
            if ($type -eq 'TernaryExpressionAst') { $found.Add("ternary ?: at line $($a.Extent.StartLineNumber)") }
            if ($type -eq 'PipelineChainAst') { $found.Add("&& or || at line $($a.Extent.StartLineNumber)") }
            if ($type -eq 'ScriptBlockAst' -and $a.PSObject.Properties['CleanBlock'] -and $null -ne $a.CleanBlock) { $found.Add("clean block at line $($a.Extent.StartLineNumber)") }
            if ($type -eq 'CommandAst' -and $a.GetCommandName() -in 'ForEach-Object', '%', 'foreach') {
                foreach ($p in $a.CommandElements) {
                    if ($p -is [System.Management.Automation.Language.CommandParameterAst] -and 'Parallel'.StartsWith($p.ParameterName, 'OrdinalIgnoreCase') -and $p.ParameterName.Length -ge 2) { $found.Add("ForEach-Object -Parallel at line $($a.Extent.StartLineNumber)") }
                }
            }
            if ($type -eq 'MemberExpressionAst' -and $a.Member -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $a.Member.Value -eq 'ArgumentList') {
                $found.Add("ProcessStartInfo.ArgumentList at line $($a.Extent.StartLineNumber)")
            }
        }
        , $found.ToArray()
    }
}

Describe 'The module manifest' {
    It 'is valid and carries the package version' {
        $manifest = Test-ModuleManifest -Path $ModuleManifest -ErrorAction Stop
        $package = Get-Content -Raw -LiteralPath (Join-Path $Root 'package.json') | ConvertFrom-Json
        $manifest.Version.ToString() | Should -Be $package.version
    }

    It 'runs on Windows PowerShell 5.1 and PowerShell 7' {
        $data = Import-PowerShellDataFile -LiteralPath $ModuleManifest
        $data.PowerShellVersion | Should -Be '5.1'
        $data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $data.FormatsToProcess | Should -Be @('KmsEnrollment.Format.ps1xml')
    }

    It 'exports exactly the functions in Public/, by name and not by wildcard' {
        $data = Import-PowerShellDataFile -LiteralPath $ModuleManifest
        $public = @(Get-ChildItem -LiteralPath (Join-Path $Root 'ps-wrapper/Public') -Filter '*.ps1' | ForEach-Object BaseName | Sort-Object)
        @($data.FunctionsToExport | Sort-Object) | Should -Be $public
        $data.FunctionsToExport | Should -Not -Contain '*'
        @((Get-Command -Module KmsEnrollment).Name | Sort-Object) | Should -Be $public
    }

    It 'has an about_ help topic' {
        $topic = Join-Path $Root 'dist/KmsEnrollment/en-US/about_KmsEnrollment.help.txt'
        Test-Path -LiteralPath $topic | Should -BeTrue
        Get-Content -Raw -LiteralPath $topic | Should -Match 'THE KB PROCEDURE'
    }
}

Describe 'The built module' {
    BeforeAll {
        $built = Join-Path $Root 'dist/KmsEnrollment'
        $source = Join-Path $Root 'ps-wrapper'
        # The functions each source file defines, by file, from its syntax tree.
        function Get-FunctionName {
            param([string] $Path)
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null)
            @($ast.EndBlock.Statements | Where-Object { $_ -is [System.Management.Automation.Language.FunctionDefinitionAst] } | ForEach-Object Name)
        }
    }

    It 'is one .psm1 holding every function of Private/ and Public/, which it does not ship apart' {
        Test-Path -LiteralPath (Join-Path $built 'Private') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $built 'Public') | Should -BeFalse
        @(Get-ChildItem -LiteralPath $built -Recurse -Filter '*.ps1').Count | Should -Be 0
        $expected = @(Get-ChildItem -LiteralPath (Join-Path $source 'Private'), (Join-Path $source 'Public') -Filter '*.ps1' | ForEach-Object BaseName | Sort-Object)
        @(Get-FunctionName (Join-Path $built 'KmsEnrollment.psm1') | Sort-Object) | Should -Be $expected
    }

    It 'has, in each source file of Private/ and Public/, only the function the file is named after, so that merging changes nothing' {
        foreach ($file in Get-ChildItem -LiteralPath (Join-Path $source 'Private'), (Join-Path $source 'Public') -Filter '*.ps1') {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            $ast.ParamBlock | Should -BeNullOrEmpty -Because $file.Name
            $ast.BeginBlock | Should -BeNullOrEmpty -Because $file.Name
            $ast.ProcessBlock | Should -BeNullOrEmpty -Because $file.Name
            @($ast.EndBlock.Statements | ForEach-Object { $_.GetType().Name }) | Should -Be @('FunctionDefinitionAst') -Because $file.Name
            Get-FunctionName $file.FullName | Should -Be $file.BaseName
        }
    }

    It 'imports from the source folder too, for development, with the same commands' {
        $ps = [powershell]::Create()
        try {
            $names = @($ps.AddScript("Import-Module -Name '$(Join-Path $source 'KmsEnrollment.psd1')' -ErrorAction Stop; (Get-Command -Module KmsEnrollment).Name").Invoke())
            $ps.Streams.Error | Should -BeNullOrEmpty
        } finally { $ps.Dispose() }
        @($names | Sort-Object) | Should -Be @('Get-KmsRecord', 'Reset-KmsEnrollment', 'Restore-KmsEnrollment')
    }
}

Describe 'Source file <Name>' -ForEach $SourceFiles {
    It 'parses without errors' {
        $tokens = $null
        $errors = $null
        [void][System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
    }

    It 'uses nothing that Windows PowerShell 5.1 lacks' {
        Find-Pwsh7Construct -Path $Path | Should -BeNullOrEmpty
    }
}

Describe 'The 5.1 check' {
    It 'finds <Name>' -ForEach @(
        @{ Name = '??'; Code = '$a = $b ?? 1' }
        @{ Name = '??='; Code = '$a ??= 1' }
        @{ Name = '?:'; Code = '$a = $b ? 1 : 2' }
        @{ Name = '&&'; Code = 'Get-Date && Get-Date' }
        @{ Name = '||'; Code = 'Get-Date || Get-Date' }
        @{ Name = 'clean {}'; Code = 'function f { process { } clean { } }' }
        @{ Name = 'ForEach-Object -Parallel'; Code = '1..2 | ForEach-Object -Parallel { $_ }' }
        @{ Name = 'ProcessStartInfo.ArgumentList'; Code = '$psi.ArgumentList.Add("x")' }
    ) {
        Find-Pwsh7Construct -Text $Code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Help for <_>' -ForEach $Commands {
    BeforeAll {
        $help = Get-Help -Name $_ -Full
        $command = Get-Command -Name $_
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($_) + ' \[')
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least three examples, each with code and an explanation' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $parameter = $help.Parameters.Parameter | Where-Object Name -EQ $name
            ($parameter.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }
}
