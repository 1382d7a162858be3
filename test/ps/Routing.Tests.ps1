# Where a reset runs: here for records of this computer, over remoting for the
# others, with the endpoint asked for; and which server's KMS service is checked.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'Records of this computer' {
    BeforeEach {
        Mock -ModuleName KmsEnrollment Invoke-Command { throw 'remoting was used' }
    }

    It 'are reset here when they carry PSComputerName <Name>' -ForEach @(
        @{ Name = 'of this computer, as from Receive-Job'; Computer = [Environment]::MachineName }
        @{ Name = 'localhost'; Computer = 'localhost' }
    ) {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $record = Get-KmsRecord -Path $db
        $record | Add-Member -NotePropertyName PSComputerName -NotePropertyValue $Computer
        $record | Add-Member -NotePropertyName RunspaceId -NotePropertyValue ([guid]::NewGuid())
        $result = $record | Reset-KmsEnrollment -Confirm:$false
        $result.Status | Should -Be 'Reset'
        Should -Invoke -ModuleName KmsEnrollment Invoke-Command -Times 0 -Exactly
    }

    It 'are reset here after a trip through Export-Clixml and Import-Clixml' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $file = Join-Path (New-TestFolder) 'records.xml'
        Get-KmsRecord -Path $db | Add-Member -NotePropertyName PSComputerName -NotePropertyValue ([Environment]::MachineName) -PassThru | Export-Clixml -LiteralPath $file
        (Import-Clixml -LiteralPath $file | Reset-KmsEnrollment -Confirm:$false).Status | Should -Be 'Reset'
        Should -Invoke -ModuleName KmsEnrollment Invoke-Command -Times 0 -Exactly
    }
}

Describe 'Records of another computer, and the endpoint' {
    BeforeEach {
        Mock -ModuleName KmsEnrollment Invoke-Command { }
    }

    It 'go back to their computer, through the endpoint -ConfigurationName names' {
        $record = [PSCustomObject]@{ Path = 'D:\exchsrvr\Security\Mgrent\Clients\Ma.ini'; Sha256 = ('0' * 64); Mailbox = 'jdoe'; PSComputerName = 'kms01' }
        $record | Reset-KmsEnrollment -Confirm:$false -ConfigurationName 'PowerShell.7'
        Should -Invoke -ModuleName KmsEnrollment Invoke-Command -Times 1 -Exactly -ParameterFilter { $ComputerName -eq 'kms01' -and $ConfigurationName -eq 'PowerShell.7' }
    }

    It 'go back to the computer that read them even when Receive-Job has rewritten PSComputerName to localhost' {
        $record = [PSCustomObject]@{ PSTypeName = 'KmsEnrollment.Record'; Path = 'D:\exchsrvr\Security\Mgrent\Clients\Ma.ini'; Sha256 = ('0' * 64); Mailbox = 'jdoe'; ComputerName = 'kms01'; PSComputerName = 'localhost' }
        $record | Reset-KmsEnrollment -Confirm:$false
        Should -Invoke -ModuleName KmsEnrollment Invoke-Command -Times 1 -Exactly -ParameterFilter { $ComputerName -eq 'kms01' }
    }

    It 'Get-KmsRecord -ComputerName passes -ConfigurationName to Invoke-Command' {
        Get-KmsRecord -ComputerName kms01, kms02 -ConfigurationName 'PowerShell.7' -Affected
        Should -Invoke -ModuleName KmsEnrollment Invoke-Command -Times 1 -Exactly -ParameterFilter { ($ComputerName -join ',') -eq 'kms01,kms02' -and $ConfigurationName -eq 'PowerShell.7' }
    }

    It 'Get-KmsRecord -ComputerName leaves the endpoint to remoting''s default without it' {
        Get-KmsRecord -ComputerName kms01 -Affected
        Should -Invoke -ModuleName KmsEnrollment Invoke-Command -Times 1 -Exactly -ParameterFilter { [string]::IsNullOrEmpty($ConfigurationName) }
    }
}

Describe 'The KMS service check' {
    It 'asks the server of a UNC database, not this computer' {
        Mock -ModuleName KmsEnrollment Test-KmsServiceRunning { 'Running' } -ParameterFilter { $ComputerName -eq 'kms01' }
        Mock -ModuleName KmsEnrollment Test-KmsServiceRunning { 'NotRunning' }
        Mock -ModuleName KmsEnrollment Invoke-Kmsdb { }
        $warnings = & (Get-Module KmsEnrollment) {
            function Send-Test {
                [CmdletBinding()] param()
                $queue = Initialize-KmsChangeQueue -Command reset -Cmdlet $PSCmdlet -BatchSize 200 -ThrottleLimit 32
                $queue.Local['\\kms01\d$\exchsrvr\Security\Mgrent\Clients'] = New-Object System.Collections.Generic.List[object]
                $queue.Local['\\kms01\d$\exchsrvr\Security\Mgrent\Clients'].Add([PSCustomObject]@{ Request = @{ path = 'x' }; Input = 'x'; Mailbox = $null; ResultData = @{} })
                Send-KmsChangeQueue -Queue $queue -Cmdlet $PSCmdlet
            }
            Send-Test -ErrorVariable seen -ErrorAction SilentlyContinue
            $seen
        }
        @($warnings).Count | Should -Be 1
        $warnings[0].FullyQualifiedErrorId | Should -Be 'KmsServiceRunning,Send-Test'
        $warnings[0].Exception.Message | Should -Match 'running on kms01, '
        Should -Invoke -ModuleName KmsEnrollment Invoke-Kmsdb -Times 0 -Exactly
        Should -Invoke -ModuleName KmsEnrollment Test-KmsServiceRunning -Times 1 -Exactly -ParameterFilter { $ComputerName -eq 'kms01' }
    }

    It 'asks this computer for a local database' {
        Mock -ModuleName KmsEnrollment Test-KmsServiceRunning { 'NotRunning' }
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe' }
        $null = Get-KmsRecord -Path $db | Reset-KmsEnrollment -Confirm:$false
        Should -Invoke -ModuleName KmsEnrollment Test-KmsServiceRunning -Times 1 -Exactly -ParameterFilter { $ComputerName -eq '.' }
    }

    It 'finds the server of <Path>' -ForEach @(
        @{ Path = '\\kms01\d$\exchsrvr\Security\Mgrent\Clients'; Server = 'kms01' }
        @{ Path = '\\?\UNC\kms02.contoso.com\share\Clients'; Server = 'kms02.contoso.com' }
        @{ Path = 'D:\exchsrvr\Security\Mgrent\Clients'; Server = '.' }
        @{ Path = '\\?\D:\exchsrvr\Clients'; Server = '.' }
        @{ Path = '/var/kms/Clients'; Server = '.' }
    ) {
        & (Get-Module KmsEnrollment) { param($p) Get-KmsPathHost -Path $p } $Path | Should -Be $Server
    }
}

Describe 'Piping from Get-ChildItem' {
    It 'binds PSPath to -LiteralPath, so a folder named with [ ] works' {
        $db = New-KmsDb @{ 'Ma.ini' = $Stuck -f 'jdoe'; 'Mb.ini' = "[Client]`r`nState = 1`r`n" } -Name 'Clients[1]'
        $records = @(Get-ChildItem -LiteralPath $db -Filter '*.ini' | Get-KmsRecord)
        $records.Id | Should -Be @('Ma', 'Mb')
        (Get-Item -LiteralPath $db | Get-KmsRecord -Affected).Id | Should -Be 'Ma'
    }
}
