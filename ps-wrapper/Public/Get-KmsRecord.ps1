function Get-KmsRecord {
    <#
    .SYNOPSIS
    Reads Exchange 5.0 KMS client records and finds the users stuck by KB Q198709.

    .DESCRIPTION
    Get-KmsRecord reads the KMS security database, one .ini file per user in
    Security\Mgrent\Clients, exactly as KMS itself reads it (the Windows profile
    API), and emits one KmsEnrollment.Record object per file, as it is read.

    A record is Affected when its State is 4 (Recovery) and it has no NumSCerts
    key: the condition of KB Q198709, in which the user can never enroll. Pipe
    such records to Reset-KmsEnrollment to fix them.

    All the paths of one call are read by one kmsdb process. Long scans show
    progress.

    With -ComputerName or -Session, the records are read on those servers
    through PowerShell remoting (WinRM or SSH), where the module must be
    installed too. Each record carries the ComputerName it was read on, and
    Reset-KmsEnrollment sends it back there.

    Without -Path, the database folder comes from the settings file
    (about_KmsEnrollment): $env:KMSDB_CONFIG, or the default location.

    .PARAMETER Path
    A database folder (Security\Mgrent\Clients) or record files. Wildcards are
    allowed. Binds from the pipeline, by value and by the property Path.
    Without it, the settings file names the database. With -ComputerName or
    -Session, the path is on those servers.

    .PARAMETER LiteralPath
    Like -Path, but taken exactly as written: no character is a wildcard. Binds
    from the pipeline by the property PSPath, so Get-Item and Get-ChildItem
    output can be piped, even for folders whose names hold [ or ]. Aliases:
    PSPath, LP.

    .PARAMETER Mailbox
    Finds a mailbox's record. A pattern matches the whole value of a key that
    names the user (DistinguishedName, DN, MailboxDN, Mailbox, Alias,
    MailNickname, DisplayName, CommonName, CN, Name, UserName), a DN under any
    key, or the last cn= of a DN (/o=Org/ou=Site/cn=Recipients/cn=jdoe matches
    jdoe). Other values, such as State, are never a mailbox.
    * and ? are wildcards, and case is ignored in any script. user3 does not
    match user30. Several patterns find any of them. A pattern that matches no
    record at all (a typo) is a KmsRecordNotFound error naming it, and $? is
    False; with -Affected, a mailbox whose record exists but is not stuck is no
    error.

    .PARAMETER Affected
    Only records stuck by Q198709: State 4 and no NumSCerts.

    .PARAMETER ComputerName
    Reads the records on these servers, through Invoke-Command (WinRM).

    .PARAMETER Session
    Reads the records through these PowerShell sessions (WinRM or SSH, from New-PSSession).

    .PARAMETER Credential
    The account for -ComputerName.

    .PARAMETER ConfigurationName
    With -ComputerName, the remoting endpoint on the servers. By default WinRM
    connects to Windows PowerShell 5.1 (microsoft.powershell), even from
    PowerShell 7; PowerShell.7 picks PowerShell 7 where it is enabled.

    .PARAMETER ThrottleLimit
    How many servers are read at once. The default is 32.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected

    Lists every user stuck by Q198709.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Mailbox jdoe, 'Smith*' | Format-List *

    Finds the records of jdoe and of every mailbox starting with Smith, with all their properties.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected | Reset-KmsEnrollment -WhatIf

    Shows which records Reset-KmsEnrollment would fix, without changing anything.

    .EXAMPLE
    Get-ChildItem -LiteralPath '\\kms01\d$\exchsrvr\Security\Mgrent\Clients' -Filter 'M*.ini' | Get-KmsRecord | Where-Object Warnings

    Reads records over a UNC path and shows those with warnings (duplicate State, binary or empty files).

    .EXAMPLE
    Get-KmsRecord -LiteralPath 'D:\exchsrvr\Security\Mgrent\Clients[2026]' -Affected

    Reads a database folder whose name holds [ and ], which -Path would take as a wildcard.

    .EXAMPLE
    Get-KmsRecord -ComputerName kms01, kms02 -Affected | Format-Table ComputerName, Id, Mailbox

    Lists the stuck users of two KMS servers, each read on its own server (the database folder comes from each server's settings file).

    .EXAMPLE
    $sessions = New-PSSession -HostName kms01, kms02 -UserName admin
    Get-KmsRecord -Session $sessions -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected | Reset-KmsEnrollment

    PowerShell 7 only: New-PSSession -HostName (SSH remoting) does not exist in Windows PowerShell 5.1,
    where -ComputerName (WinRM) does the same. Reads over SSH remoting, and resets each record on the
    server it came from.

    .INPUTS
    System.String. Paths, by value or by the property Path or PSPath.

    .OUTPUTS
    KmsEnrollment.Record

    .LINK
    about_KmsEnrollment

    .LINK
    Reset-KmsEnrollment
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('KmsEnrollment.Record')]
    param(
        [Parameter(Position = 0, ParameterSetName = 'Path', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'LP')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [ArgumentCompleter({
            param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
            # An attribute's script block runs outside the module, whose functions it cannot see: it reaches the
            # completer through the module of the command being completed (a -Prefix or module-qualified name too).
            # Unlike Register-ArgumentCompleter at import, an attribute costs nothing until Tab.
            $module = @(Get-Command -Name $commandName, $commandAst.GetCommandName() -CommandType Function -ErrorAction Ignore | ForEach-Object Module)
            if ($module) {
                & $module[0] { Get-KmsArgumentCompletion -ParameterName $args[0] -WordToComplete $args[1] -BoundParameters $args[2] } $parameterName $wordToComplete $fakeBoundParameters
            }
        })]
        [string[]] $Mailbox,

        [switch] $Affected,

        [ValidateNotNullOrEmpty()]
        [string[]] $ComputerName,

        [ValidateNotNullOrEmpty()]
        [System.Management.Automation.Runspaces.PSSession[]] $Session,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [ValidateNotNullOrEmpty()]
        [string] $ConfigurationName,

        [ValidateRange(1, 1000)]
        [int] $ThrottleLimit = 32
    )

    begin {
        # A script module does not see its caller's preferences; -ErrorAction, -Verbose and the rest must reach here.
        foreach ($preference in @(Get-KmsCallerPreference -Cmdlet $PSCmdlet)) { $ExecutionContext.SessionState.PSVariable.Set($preference.Name, $preference.Value) }
        if ($ComputerName -and $Session) {
            Write-KmsError -Cmdlet $PSCmdlet -Terminating -Message 'Use -ComputerName or -Session, not both.' -ErrorId 'KmsRemoteTargetAmbiguous' -Category 'InvalidArgument' -ExceptionType 'System.ArgumentException'
        }
        $remote = [bool]($ComputerName -or $Session)
        $paths = New-Object System.Collections.Generic.List[string]
        $pathGiven = $false
        # A path given as a parameter is read even when the pipeline brings nothing; a pipeline that
        # was meant to bring paths and brought none reads nothing. Only a call that gives no path in
        # any form reads the settings file's database.
        $explicit = $null
        if ($PSBoundParameters.ContainsKey('Path')) { $explicit = @{ Path = $Path; Literal = $false } }
        if ($PSBoundParameters.ContainsKey('LiteralPath')) { $explicit = @{ Path = $LiteralPath; Literal = $true } }
        $expectingInput = $MyInvocation.ExpectingInput
    }

    process {
        $given = $Path
        if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { $given = $LiteralPath }
        if (-not $given) { return }
        $pathGiven = $true
        # A remote path is the server's to resolve.
        if ($remote) { foreach ($p in $given) { $paths.Add($p) }; return }
        if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') {
            $resolved = Resolve-KmsPath -Path $LiteralPath -Literal -Cmdlet $PSCmdlet
        } else {
            $resolved = Resolve-KmsPath -Path $Path -Cmdlet $PSCmdlet
        }
        foreach ($p in $resolved) { $paths.Add($p) }
    }

    end {
        if (-not $pathGiven -and $explicit) {
            $pathGiven = $true
            if ($remote) {
                foreach ($p in $explicit.Path) { $paths.Add($p) }
            } else {
                foreach ($p in @(Resolve-KmsPath -Path $explicit.Path -Literal:$explicit.Literal -Cmdlet $PSCmdlet)) { $paths.Add($p) }
            }
        }
        if (-not $pathGiven -and $expectingInput) {
            $PSCmdlet.WriteVerbose('The pipeline brought no path, so no database is read.')
            return
        }
        if ($remote) {
            $parameters = @{}
            if ($paths.Count -gt 0) {
                if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { $parameters['LiteralPath'] = $paths.ToArray() } else { $parameters['Path'] = $paths.ToArray() }
            }
            if ($Mailbox) { $parameters['Mailbox'] = [string[]]$Mailbox }
            if ($Affected) { $parameters['Affected'] = $true }
            Invoke-KmsRemote -Command 'Get-KmsRecord' -Parameters $parameters -ComputerName $ComputerName -Session $Session -Credential $Credential -ConfigurationName $ConfigurationName -ThrottleLimit $ThrottleLimit
            return
        }
        # Paths were given and none was found: each has had its error.
        if ($pathGiven -and $paths.Count -eq 0) { return }
        # One kmsdb process reads every path of the call; with none, the settings file names the database.
        $request = [ordered]@{ command = 'get'; format = 'ndjson'; progress = $true }
        if ($paths.Count -gt 0) { $request['path'] = $paths.ToArray() }
        if ($Mailbox) { $request['mailbox'] = [string[]]$Mailbox }
        if ($Affected) { $request['affected'] = $true }
        Invoke-Kmsdb -Request $request -Cmdlet $PSCmdlet -TargetObject ($paths -join ', ') | ConvertTo-KmsRecord
    }
}
