BeforeDiscovery {
    $root = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
    # The module's source, and the scripts that ship with it (examples/, in the module's Examples folder).
    $script:SourceFiles = @(Get-ChildItem -LiteralPath (Join-Path $root 'ps-wrapper'), (Join-Path $root 'examples') -Recurse -Include '*.ps1', '*.psm1', '*.psd1' |
            ForEach-Object { @{ Path = $_.FullName; Name = $_.FullName.Substring($root.Length + 1) } })
    $script:Commands = @('Get-KmsRecord', 'Reset-KmsEnrollment', 'Restore-KmsEnrollment')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $script:ModuleFunctions = @(Get-ChildItem -LiteralPath (Join-Path $Root 'ps-wrapper/Private'), (Join-Path $Root 'ps-wrapper/Public') -Filter '*.ps1' | ForEach-Object BaseName)

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

    # Aliases of Windows PowerShell and of PowerShell on Windows that PowerShell on Linux lacks; there
    # they name native commands (ls, sort), which is worse.
    $script:WindowsAliases = @('ac', 'cat', 'clear', 'cls', 'compare', 'cp', 'cpp', 'diff', 'gsv', 'gwmi', 'kill', 'lp', 'ls', 'man', 'mount', 'move', 'mv', 'ps', 'rm', 'rmdir', 'sasv', 'sleep', 'sort', 'spsv', 'start', 'tee', 'type', 'write')
    # Automatic variables (about_Automatic_Variables), as PSScriptAnalyzer's AvoidAssignmentToAutomaticVariable lists them; $null = ... discards, and stays allowed.
    $script:AutomaticVariables = @('?', '^', '$', '_', 'args', 'ConsoleFileName', 'Error', 'Event', 'EventArgs', 'EventSubscriber', 'ExecutionContext', 'false', 'foreach', 'HOME', 'Host', 'input', 'IsCoreCLR', 'IsLinux', 'IsMacOS', 'IsWindows', 'Matches', 'MyInvocation', 'NestedPromptLevel', 'PID', 'PROFILE', 'PSBoundParameters', 'PSCmdlet', 'PSCommandPath', 'PSCulture', 'PSDebugContext', 'PSEdition', 'PSHOME', 'PSItem', 'PSScriptRoot', 'PSSenderInfo', 'PSUICulture', 'PSVersionTable', 'PWD', 'Sender', 'ShellId', 'StackTrace', 'switch', 'this', 'true')

    function Get-SourceAst {
        param([string] $Path, [string] $Text)
        if ($Path) { return [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null) }
        [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref]$null, [ref]$null)
    }

    # Assignments to automatic variables: by =, as a foreach variable, or as a parameter.
    function Find-AutomaticAssignment {
        param([string] $Path, [string] $Text)
        $ast = Get-SourceAst -Path $Path -Text $Text
        $found = New-Object System.Collections.Generic.List[string]
        foreach ($a in $ast.FindAll({ $true }, $true)) {
            $target = $null
            if ($a -is [System.Management.Automation.Language.AssignmentStatementAst]) { $target = $a.Left }
            elseif ($a -is [System.Management.Automation.Language.ForEachStatementAst]) { $target = $a.Variable }
            elseif ($a -is [System.Management.Automation.Language.ParameterAst]) { $target = $a.Name }
            while ($target -is [System.Management.Automation.Language.AttributedExpressionAst]) { $target = $target.Child }
            if ($target -is [System.Management.Automation.Language.VariableExpressionAst]) {
                $name = $target.VariablePath.UserPath
                if ($AutomaticVariables -contains $name) { $found.Add("`$$name at line $($a.Extent.StartLineNumber)") }
            }
        }
        , $found.ToArray()
    }

    function Find-AliasUse {
        param([string] $Path, [string] $Text)
        $ast = Get-SourceAst -Path $Path -Text $Text
        $found = New-Object System.Collections.Generic.List[string]
        foreach ($c in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $name = $c.GetCommandName()
            if (-not $name) { continue }
            if ($WindowsAliases -contains $name -or (Get-Alias -Name $name -ErrorAction Ignore)) { $found.Add("$name at line $($c.Extent.StartLineNumber)") }
        }
        , $found.ToArray()
    }

    # Native commands whose exit code nothing reads: no $LASTEXITCODE after the call, in the same function.
    function Find-UncheckedNative {
        param([string] $Path, [string] $Text, [string[]] $Functions = @())
        $ast = Get-SourceAst -Path $Path -Text $Text
        $found = New-Object System.Collections.Generic.List[string]
        foreach ($c in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $name = $c.GetCommandName()
            if (-not $name -or $Functions -contains $name) { continue }
            # Cmdlets and functions are Verb-Noun; whatever else the module runs by name is a program.
            $command = Get-Command -Name $name -ErrorAction Ignore | Select-Object -First 1
            $native = ($command -and $command.CommandType -eq 'Application') -or (-not $command -and $name -notmatch '^[A-Za-z]+-[A-Za-z0-9]+$')
            if (-not $native) { continue }
            $scope = $c.Parent
            while ($scope -and $scope -isnot [System.Management.Automation.Language.ScriptBlockAst]) { $scope = $scope.Parent }
            $after = $c.Extent.EndOffset
            $checked = $scope.FindAll({ param($n) $n -is [System.Management.Automation.Language.VariableExpressionAst] -and $n.VariablePath.UserPath -eq 'LASTEXITCODE' -and $n.Extent.StartOffset -ge $after }, $true)
            if (-not @($checked)) { $found.Add("$name at line $($c.Extent.StartLineNumber)") }
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

    It 'has release notes taken from CHANGELOG.md: the entry of this version, or Unreleased before a release, as it is written' {
        $notes = (Import-PowerShellDataFile -LiteralPath $ModuleManifest).PrivateData.PSData.ReleaseNotes
        $package = Get-Content -Raw -LiteralPath (Join-Path $Root 'package.json') | ConvertFrom-Json
        # The entries of CHANGELOG.md, each from its "## [" heading to the next one.
        $changelog = [System.IO.File]::ReadAllText((Join-Path $Root 'CHANGELOG.md')) -replace '\r\n', "`n"
        $entries = @([regex]::Split($changelog, '(?m)^(?=## \[)') | Where-Object { $_.StartsWith('## [') } | ForEach-Object { $_.TrimEnd() })
        $entry = @($entries | Where-Object { $_.StartsWith('## [' + $package.version + ']') })
        if ($entry.Count -eq 0) { $entry = @($entries | Where-Object { $_.StartsWith('## [Unreleased]') }) }
        $entry.Count | Should -Be 1
        ($notes -replace '\r\n', "`n") | Should -BeExactly $entry[0]
        @($notes -split '\r?\n' | Where-Object { $_ -match '^- \S' }).Count | Should -BeGreaterThan 0
    }

    It 'is text that Windows PowerShell 5.1 reads as written: ASCII, or UTF-8 with a BOM, in every file it parses' {
        # 5.1 reads a script or data file without a BOM in the system's ANSI code page: UTF-8 bytes
        # become other characters there, some of which (0x93, 0x94) it takes for quotes.
        $built = Join-Path $Root 'dist/KmsEnrollment'
        $files = @(Get-ChildItem -LiteralPath $built -Recurse -File | Where-Object { $_.Extension -in '.ps1', '.psm1', '.psd1', '.ps1xml', '.txt' })
        $files.Count | Should -BeGreaterThan 3
        $bad = foreach ($file in $files) {
            $bytes = [System.IO.File]::ReadAllBytes($file.FullName)
            $bom = $bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF
            # Latin-1 maps each byte to the character of its value.
            if (-not $bom -and [System.Text.Encoding]::GetEncoding(28591).GetString($bytes) -match '[^\x00-\x7F]') { $file.Name }
        }
        @($bad) | Should -BeNullOrEmpty
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
        # The script block expression a node sits in, below the file's own top level; $null at the top level.
        function Get-KmsEnclosingScriptBlock {
            param($Node)
            for ($n = $Node.Parent; $null -ne $n; $n = $n.Parent) { if ($n -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) { return $n } }
            $null
        }
        function Get-FunctionName {
            param([string] $Path)
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null)
            @($ast.EndBlock.Statements | Where-Object { $_ -is [System.Management.Automation.Language.FunctionDefinitionAst] } | ForEach-Object Name)
        }
    }

    It 'is one .psm1 holding every function of Private/ and Public/, which it does not ship apart' {
        Test-Path -LiteralPath (Join-Path $built 'Private') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $built 'Public') | Should -BeFalse
        # The one .ps1 it ships is the scheduled-task script, which runs apart from the module.
        @(Get-ChildItem -LiteralPath $built -Recurse -Filter '*.ps1' | ForEach-Object { $_.FullName.Substring($built.Length + 1) -replace '\\', '/' }) | Should -Be @('Examples/Invoke-KmsScheduledReset.ps1')
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

    # A command at the top level runs at every import: New-Object there (a list made at import) took 70 ms of it,
    # more than the rest of the import (npm run bench -- --only import).
    It 'runs no command at import but Set-StrictMode and Export-ModuleMember' {
        $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $built 'KmsEnrollment.psm1'), [ref]$null, [ref]$null)
        $topLevel = @($ast.EndBlock.Statements | Where-Object { $_ -isnot [System.Management.Automation.Language.FunctionDefinitionAst] })
        $commands = @($topLevel | ForEach-Object {
                # Script blocks kept in variables run only when called.
                $_.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and -not (Get-KmsEnclosingScriptBlock $n) }, $true)
            } | ForEach-Object { $_.GetCommandName() })
        $commands | Should -Be @('Set-StrictMode', 'Export-ModuleMember')
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

    It 'assigns to no automatic variable' {
        Find-AutomaticAssignment -Path $Path | Should -BeNullOrEmpty
    }

    It 'uses no alias' {
        Find-AliasUse -Path $Path | Should -BeNullOrEmpty
    }

    It 'checks the exit code of every native command it runs' {
        Find-UncheckedNative -Path $Path -Functions $ModuleFunctions | Should -BeNullOrEmpty
    }
}

Describe 'The lint' {
    It 'finds an assignment to <Name>' -ForEach @(
        @{ Name = '$event'; Code = '$event = 1' }
        @{ Name = '$Matches'; Code = '[string]$Matches = "x"' }
        @{ Name = 'a foreach $input'; Code = 'foreach ($input in 1..2) { }' }
        @{ Name = 'a parameter $args'; Code = 'function f { param($args) }' }
    ) {
        Find-AutomaticAssignment -Text $Code | Should -Not -BeNullOrEmpty
    }

    It 'lets $null = discard' {
        Find-AutomaticAssignment -Text '$null = Get-Date; $e = 1' | Should -BeNullOrEmpty
    }

    It 'finds the alias <Name>' -ForEach @(
        @{ Name = '%'; Code = '1 | % { $_ }' }
        @{ Name = '?'; Code = '1 | ? { $_ }' }
        @{ Name = 'select'; Code = '1 | select -First 1' }
        @{ Name = 'ls (an alias on Windows only)'; Code = 'ls' }
    ) {
        Find-AliasUse -Text $Code | Should -Not -BeNullOrEmpty
    }

    It 'finds a native command whose exit code nothing reads' {
        Find-UncheckedNative -Text 'function f { & chmod u+x $p 2>$null }' | Should -Not -BeNullOrEmpty
        Find-UncheckedNative -Text 'function f { if ($LASTEXITCODE) { }; icacls $p }' | Should -Not -BeNullOrEmpty
    }

    It 'accepts a native command whose exit code is read after it, and cmdlets and module functions' {
        Find-UncheckedNative -Text 'function f { & chmod u+x $p; if ($LASTEXITCODE -ne 0) { } }' | Should -BeNullOrEmpty
        Find-UncheckedNative -Text 'function f { Get-Date; Get-KmsThing }' -Functions 'Get-KmsThing' | Should -BeNullOrEmpty
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
