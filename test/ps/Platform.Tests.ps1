# Which kmsdb build the module starts, and where it refuses to start one. The Windows
# logic is also checked in the Linux lane, with Test-KmsWindows stood in for.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    # The platform the module picks, as a cmdlet of its own would get it.
    function Get-PickedPlatform {
        & (Get-Module KmsEnrollment) {
            function Select-Platform { [CmdletBinding()] param() Get-KmsdbPlatform -Cmdlet $PSCmdlet }
            Select-Platform
        }
    }

    # Runs $Script with the two architecture variables set as given ($null: unset), then puts them back.
    function Use-Architecture {
        param([AllowNull()] [string] $Architecture, [AllowNull()] [string] $Wow64, [scriptblock] $Script)
        $saved = @($env:PROCESSOR_ARCHITECTURE, $env:PROCESSOR_ARCHITEW6432)
        try {
            $env:PROCESSOR_ARCHITECTURE = $Architecture
            $env:PROCESSOR_ARCHITEW6432 = $Wow64
            & $Script
        } finally {
            $env:PROCESSOR_ARCHITECTURE = $saved[0]
            $env:PROCESSOR_ARCHITEW6432 = $saved[1]
        }
    }
}

Describe 'Supported Windows' {
    BeforeEach {
        Mock -ModuleName KmsEnrollment Test-KmsWindows { $true }
        Restore-Kmsdb
    }
    AfterEach {
        Restore-Kmsdb
        Stop-KmsdbTrace
    }

    It 'stops with a clear error on Windows <Name>, before starting kmsdb' -ForEach @(
        @{ Name = '7 / Server 2008 R2'; Version = '6.1.7601' }
        @{ Name = '8.1 / Server 2012 R2'; Version = '6.3.9600' }
    ) {
        Mock -ModuleName KmsEnrollment Get-KmsWindowsVersion { [version]$Version }
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        Start-KmsdbTrace
        { Get-KmsRecord -Path $db } | Should -Throw -ErrorId 'KmsdbWindowsNotSupported,Get-KmsRecord' -ExpectedMessage '*needs Windows 10 or Windows Server 2016 or later*'
        Get-KmsdbTrace | Should -BeNullOrEmpty
    }

    It 'takes <Name> as x64' -ForEach @(
        @{ Name = 'x64 Windows'; Architecture = 'AMD64'; Wow64 = $null; Build = '10.0.17763' }
        @{ Name = 'a 32-bit PowerShell on x64 Windows'; Architecture = 'x86'; Wow64 = 'AMD64'; Build = '10.0.20348' }
        @{ Name = 'Windows 11 on ARM64, which emulates x64'; Architecture = 'ARM64'; Wow64 = $null; Build = '10.0.22631' }
    ) {
        Mock -ModuleName KmsEnrollment Get-KmsWindowsVersion { [version]$Build }
        Use-Architecture $Architecture $Wow64 { Get-PickedPlatform } | Should -Be 'win-x64'
    }

    It 'refuses <Name>' -ForEach @(
        @{ Name = '32-bit Windows'; Architecture = 'x86'; Wow64 = $null; Build = '10.0.19045' }
        @{ Name = 'Windows 10 on ARM64, which has no x64 emulation'; Architecture = 'ARM64'; Wow64 = $null; Build = '10.0.19045' }
    ) {
        Mock -ModuleName KmsEnrollment Get-KmsWindowsVersion { [version]$Build }
        { Use-Architecture $Architecture $Wow64 { Get-PickedPlatform } } | Should -Throw -ErrorId 'KmsdbPlatformNotSupported,Select-Platform'
    }

    It 'is said in the manifest, the README and the about help' {
        $manifest = Import-PowerShellDataFile -Path $ModuleManifest
        $manifest.Description | Should -Match 'Windows 10 or Windows Server 2016 or later'
        Get-Content -Raw -LiteralPath (Join-Path $Root 'README.md') | Should -Match 'Windows 10 or Windows Server 2016 or later'
        Get-Content -Raw -LiteralPath (Join-Path $Root 'ps-wrapper/en-US/about_KmsEnrollment.help.txt') | Should -Match 'Windows 10 or Windows Server 2016 or\s+later'
    }
}

Describe 'This platform' {
    It 'is what the module starts kmsdb for' {
        $expected = 'linux-x64'
        if ($IsWindows) { $expected = 'win-x64' }
        Get-PickedPlatform | Should -Be $expected
    }
}
