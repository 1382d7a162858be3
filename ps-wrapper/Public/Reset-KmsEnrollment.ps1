function Reset-KmsEnrollment {
    <#
    .SYNOPSIS
    Applies the KB Q198709 fix: changes a stuck KMS record's State from 4 (Recovery) to 1 (Undefined).

    .DESCRIPTION
    Reset-KmsEnrollment fixes the records that Get-KmsRecord reports as
    Affected, so that the users can enroll in advanced security again. Only the
    State value's character changes; every other byte of the file stays as it
    was. Before each change the record is backed up (outside the database
    folder), the changed byte is written in place in the same file (which keeps
    its permissions, owner, attributes and streams), one lock per database keeps other
    runs out, and every change is written to an audit log.

    Records are refused, as non-terminating errors, when they are not safe to
    change: State 4 with NumSCerts (unless -AllowNumSCerts), any other State, State
    written more than once, empty or binary files, read-only files, files
    outside the database folder, and records that changed since they were read.
    A record already in State 1 is reported Unchanged, so running twice is safe.

    Piped records are sent to kmsdb in batches (-BatchSize), one process per
    batch and database folder; results stream out as they are made. kmsdb
    changes a batch while the next one is read and planned; its results and
    errors all come before the next batch's prompts. A pipeline stopped by a
    later command (Select-Object -First) lets the batch kmsdb was told to
    change finish, and changes nothing more.

    Records read on other servers (Get-KmsRecord -ComputerName or -Session)
    go back to the server each came from, through the same session when it is
    still open, batched per server. Each batch is planned there first (kmsdb's
    what-if plan, which changes nothing); this computer then asks, naming the
    server, about exactly what that plan would change, and there
    Reset-KmsEnrollment runs with -Confirm:$false on the confirmed records
    only, each pinned to the hash it was planned on. -WhatIf makes only the
    plans. Records of this computer are
    reset here, even when they carry PSComputerName (from Receive-Job or
    Import-Clixml). On Windows a database is not changed while the Exchange KMS
    service (MSExchangeKMS) runs on the server that holds it (this computer, or
    the server of a UNC path): KmsServiceRunning, unless -AllowServiceRunning.

    kmsdb plans each batch before it changes anything: the prompt, and
    -WhatIf, name exactly the records a real run would change; refused records
    are errors at once; then exactly the confirmed records are changed, each
    only while it still has the bytes it was planned on. A confirmation that
    cannot be asked (a -NonInteractive session, a scheduled task) is a no:
    KmsConfirmationNotPossible, and nothing is changed. Unattended runs pass
    -Confirm:$false (or -Force). A script's or function's -WhatIf, and its
    $WhatIfPreference, $ConfirmPreference and $ErrorActionPreference, hold here
    as they do for compiled cmdlets.

    .PARAMETER Path
    With pipeline input, the record file (bound from the Path property of
    Get-KmsRecord output, or, by its alias FullName, of Get-ChildItem
    output). With -Mailbox, the database folder to search; without -Path, the
    database that the settings file names (about_KmsEnrollment, THE SETTINGS FILE).

    .PARAMETER Sha256
    The hash of the record as it was read (bound from Get-KmsRecord output). A
    record whose file no longer has this hash is refused (KmsRecordChanged).

    .PARAMETER Mailbox
    Finds the records to reset by mailbox, as Get-KmsRecord -Mailbox does, in
    the database folder given by -Path, or without -Path in the database that
    the settings file names. A pattern that matches no record is a
    KmsRecordNotFound error. Mailboxes piped with no -Path are refused
    (KmsDatabaseNotGiven): a list is not looked up in a database it does not name.

    .PARAMETER Force
    Asks for no confirmation, like -Confirm:$false. It changes nothing else:
    records that are refused are still refused.

    .PARAMETER AllowNumSCerts
    Also resets records in State 4 that have a NumSCerts key: users who have
    enrolled, whom the Q198709 condition does not describe. KMS then treats
    them as never enrolled, and their certificates are given up. Use it only
    when the KMS administrator has decided that, for example for a user whose
    enrollment failed part way and who is stuck all the same. It allows
    nothing else that is refused.

    .PARAMETER AllowAmbiguous
    Also resets records whose State or NumSCerts is written in more than one
    section (warning ambiguous-section): KMS reads one section, whose name is
    not public, so it may see another value than the first. The first State is
    changed. Use it only after looking at the file. It allows nothing else.

    .PARAMETER AllowServiceRunning
    Changes the database even while the Exchange KMS service runs on its
    server, with a warning. Its documentation asks for the service to be
    stopped first; use this only when you have decided otherwise. When the
    service cannot be checked, a warning is given and the change goes ahead.

    .PARAMETER LockTimeout
    Seconds to wait while another run holds the database lock, before the
    call fails with KmsDatabaseLocked. The default is 30; 0 fails at once.

    .PARAMETER BackupPath
    The folder for backups (alias BackupFolder, as Restore-KmsEnrollment names
    it). The default is a folder beside the database folder, named after it
    with .kmsdb-backup appended.

    .PARAMETER LogPath
    The audit log file. The default is kmsdb-audit.log in the backup folder.

    .PARAMETER BatchSize
    How many records go to one kmsdb process at most. The default is 1000.
    The first batches are smaller (64 records, then twice as many each time),
    so that kmsdb changes records while the next batch is read.

    .PARAMETER Credential
    The account for servers that records came from by -ComputerName, when their session is gone.

    .PARAMETER ConfigurationName
    The remoting endpoint for servers that records came from by -ComputerName,
    when their session is gone (see Get-KmsRecord).

    .PARAMETER ThrottleLimit
    How many servers are written at once. The default is 32.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected | Reset-KmsEnrollment

    The whole KB procedure: finds every stuck record and resets each after confirmation.

    .EXAMPLE
    Reset-KmsEnrollment -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Mailbox jdoe -WhatIf

    Shows what resetting jdoe's record would do, and changes nothing.

    .EXAMPLE
    Reset-KmsEnrollment -Mailbox jdoe, asmith

    Resets two users' records in the database that the settings file names
    (%ProgramData%\KmsEnrollment\kmsdb.ini: database = D:\exchsrvr\Security\Mgrent\Clients), after confirmation.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected | Reset-KmsEnrollment -Confirm:$false -LogPath 'D:\Logs\kms-reset.log' -ErrorVariable refused

    Resets without prompting (for a scheduled task), logging to a chosen file and collecting refused records in $refused.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected | Reset-KmsEnrollment -BackupPath 'E:\KmsBackups' -LogPath 'E:\KmsBackups\kms-audit.log'

    Keeps the backups and the audit log on another disk than the database. To undo these resets, give
    Restore-KmsEnrollment the same folder and log: -BackupFolder 'E:\KmsBackups' -LogPath 'E:\KmsBackups\kms-audit.log'.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Mailbox asmith | Reset-KmsEnrollment -AllowNumSCerts

    Resets asmith's record even though it has NumSCerts, after confirmation.

    .EXAMPLE
    $sessions = New-PSSession -ComputerName kms01, kms02
    Get-KmsRecord -Session $sessions -Affected | Reset-KmsEnrollment -Confirm:$false

    Resets the stuck records of several servers, each on its own server, in one batch per server.

    .INPUTS
    KmsEnrollment.Record, or any object with Path (and optionally Sha256) properties.

    .OUTPUTS
    KmsEnrollment.ResetResult

    .LINK
    about_KmsEnrollment

    .LINK
    Get-KmsRecord

    .LINK
    Restore-KmsEnrollment
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Record')]
    [OutputType('KmsEnrollment.ResetResult')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Record', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Parameter(Position = 0, ParameterSetName = 'Mailbox')]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(ParameterSetName = 'Record', ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Sha256,

        [Parameter(Mandatory, ParameterSetName = 'Mailbox', ValueFromPipelineByPropertyName)]
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

        [switch] $Force,

        [switch] $AllowNumSCerts,

        [switch] $AllowAmbiguous,

        [switch] $AllowServiceRunning,

        [Alias('BackupFolder')]
        [ValidateNotNullOrEmpty()]
        [string] $BackupPath,

        [ValidateNotNullOrEmpty()]
        [string] $LogPath,

        [ValidateRange(0, 86400)]
        [int] $LockTimeout = 30,

        [ValidateRange(1, 10000)]
        [int] $BatchSize = 1000,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [ValidateNotNullOrEmpty()]
        [string] $ConfigurationName,

        [ValidateRange(1, 1000)]
        [int] $ThrottleLimit = 32
    )

    begin {
        # A script module does not see its caller's preferences: a script run with -WhatIf must reach here.
        foreach ($preference in @(Get-KmsCallerPreference -Cmdlet $PSCmdlet)) { $ExecutionContext.SessionState.PSVariable.Set($preference.Name, $preference.Value) }
        # -Force only stops the prompts, as the cmdlet guidelines ask.
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
        $request = [ordered]@{}
        $remote = @{}
        if ($AllowNumSCerts) { $request['allowNumSCerts'] = $true; $remote['AllowNumSCerts'] = $true }
        if ($AllowAmbiguous) { $request['allowAmbiguous'] = $true; $remote['AllowAmbiguous'] = $true }
        if ($BackupPath) { $request['backupDir'] = Resolve-KmsOutputPath -Cmdlet $PSCmdlet -Path $BackupPath -Parameter 'BackupPath'; $remote['BackupPath'] = $BackupPath }
        $pending = Initialize-KmsChangeQueue -Command reset -Cmdlet $PSCmdlet -Request $request -RemoteParameters $remote -BatchSize $BatchSize -ThrottleLimit $ThrottleLimit
        # -Mailbox patterns by database folder ('' for the settings file's), for one kmsdb run each.
        $patterns = [ordered]@{}
        # Mailboxes that come with pipeline input (a list of users, bound by name or through a script block
        # such as -Mailbox { $_.User }) name no database: the settings file's is used only when no path is
        # given in any form, and piped input is one.
        $mailboxPiped = $MyInvocation.ExpectingInput
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'Mailbox') {
            if ($mailboxPiped -and -not $Path) {
                $message = '{0}: the input names a mailbox but no database folder, so nothing was read or changed. Pass the database folder with -Path; the settings file''s database is used only when no path is given in any form, and piped input is one.' -f (ConvertTo-KmsPrintable -Text ($Mailbox -join ', '))
                Write-KmsError -Cmdlet $PSCmdlet -Message $message -ErrorId 'KmsDatabaseNotGiven' -Category 'InvalidArgument' -TargetObject $_ -RecommendedAction 'Pass -Path with the database folder.' -ExceptionType 'System.ArgumentException'
                return
            }
            $database = ''
            if ($Path) { $database = Resolve-KmsOutputPath -Cmdlet $PSCmdlet -Path $Path -Parameter 'Path' }
            if (-not $patterns.Contains($database)) { $patterns[$database] = [System.Collections.Generic.List[string]]::new() }
            foreach ($pattern in $Mailbox) { $patterns[$database].Add($pattern) }
            return
        }
        $current = $_
        $name = $null
        if ($null -ne $current -and $current -isnot [string] -and $current.PSObject.Properties['Mailbox']) { $name = [string]$current.Mailbox }
        if ($null -eq $current) { $current = $Path }
        $fields = @{}
        if ($Sha256) { $fields['sha256'] = $Sha256 }
        $done = $false
        try {
            Add-KmsChangeItem -Queue $pending -Cmdlet $PSCmdlet -Path $Path -Fields $fields -InputObject $current -Mailbox $name -Origin (Get-KmsRecordOrigin -Record $_) -RealPath:(Test-KmsRealPath -InputObject $_ -Path $Path)
            $done = $true
        } finally {
            # A stopped pipeline: the batch kmsdb is changing finishes its changes, and nothing more is emitted.
            if (-not $done) { Complete-KmsChangeRun -Queue $pending -Stopping }
        }
    }

    end {
        $done = $false
        try {
            # kmsdb selects the records of each pattern list, and plans them, in one run per database.
            foreach ($database in $patterns.Keys) {
                $target = $database
                if (-not $target) { $target = 'the database of the settings file' }
                Invoke-KmsChange -Queue $pending -Cmdlet $PSCmdlet -Database $database -Select @{ mailbox = $patterns[$database].ToArray() } -TargetObject $target
            }
            Send-KmsChangeQueue -Queue $pending -Cmdlet $PSCmdlet
            $done = $true
        } finally {
            if (-not $done) { Complete-KmsChangeRun -Queue $pending -Stopping }
        }
    }
}
