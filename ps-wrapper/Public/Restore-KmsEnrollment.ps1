function Restore-KmsEnrollment {
    <#
    .SYNOPSIS
    Undoes Reset-KmsEnrollment: puts KMS records back from the backups it took, locally or on the servers they came from.

    .DESCRIPTION
    Restore-KmsEnrollment puts a record's bytes back from the backup that a
    reset took, with the same safety as the reset: under the database lock,
    after a backup of what it replaces, logged in the audit log, written in the
    same file. It takes:

    - the KmsEnrollment.ResetResult objects of Reset-KmsEnrollment, also
      deserialized ones from other servers: $done | Restore-KmsEnrollment;
    - audit-log entries: Get-Content $log | ConvertFrom-Json | Restore-KmsEnrollment,
      or -LogPath $log with optional -Id. Of a log, the latest reset of each
      record that did not fail is restored, as kmsdb restore --from-log does;
      the log's restore lines are never undone;
    - one backup by hand: -BackupPath with -Path (the record or its database
      folder).

    Only what this tool backed up is put back: the backup must be in the
    backup folder and named for the record, and when the audit log names the
    backup, its bytes must hash to what the log recorded. A record that has
    changed since its reset is refused (KmsRecordChangedSinceReset) unless
    -AllowChangedSinceReset. A record that already holds the backup's bytes is
    reported Unchanged, so running twice is safe. Each refusal is a
    non-terminating error with the input as its TargetObject.

    Audit-log entries are restored on this computer, whose paths they hold,
    unless they came out of a remote session that is still open; an entry
    written on another computer (its host) is refused with
    KmsRestoreOtherComputer: restore it there.

    With -ErrorAction Stop, records of the same batch after the refused one
    may already have been restored; the audit log shows them.

    kmsdb chooses what a log's entries undo and plans each batch before
    anything is written; the prompt, and -WhatIf, name exactly what would be
    restored. A confirmation that cannot be asked is a no
    (KmsConfirmationNotPossible): unattended runs pass -Confirm:$false. With
    -LogPath and no -Path, the settings file's database is restored when the
    settings file names one (as kmsdb restore --from-log does), and otherwise
    every database the log names.

    Results read on other servers go back to the server each came from, through
    the same session when it is still open, batched per server and run at
    once. Each batch is planned there first (kmsdb's what-if plan, which
    changes nothing); this computer then asks, naming the server, about
    exactly what that plan would change, and there Restore-KmsEnrollment runs
    with -Confirm:$false on the confirmed records only. -WhatIf makes only the
    plans, and changes nothing anywhere.

    .PARAMETER BackupPath
    The backup to restore from (bound from the BackupPath property of
    Reset-KmsEnrollment output and audit-log entries).

    .PARAMETER Path
    The record file (bound from the Path property of the input). With
    -BackupPath by hand, the record or its database folder; without it, the
    database folder is the one whose default backup folder holds the backup.
    With -LogPath, restores only records of this database folder; so does a
    -Path given on the command line with piped audit-log entries (a shared log
    names other databases' records too, and those are left as they are). An
    empty -Path, or a piped item whose Path property is empty, names nothing
    and restores nothing (KmsPathNotResolved).

    .PARAMETER Sha256Before
    The backup's hash, as the reset recorded it. When the audit log names the
    backup, the log's hash counts instead.

    .PARAMETER Sha256After
    The record's hash right after the reset. A record that no longer has it
    is refused (KmsRecordChangedSinceReset), unless -AllowChangedSinceReset.

    .PARAMETER Sha256
    The record's hash as it was when you decided to restore it. A record that
    no longer has it is refused (KmsRecordChanged), with
    -AllowChangedSinceReset too. An empty -Sha256 is an error, not "no
    pin". The module sends it to another computer with each restore confirmed
    here, so that only the record that was asked about is put back.

    .PARAMETER LogPath
    The audit log: where the restores are logged, and whose hashes of the
    backups are checked. The default is kmsdb-audit.log in the backup folder.
    Alone, it names the log to undo.

    .PARAMETER Id
    With -LogPath, restores only these records (the file name without .ini).

    .PARAMETER BackupFolder
    The folder of the backups, as given to Reset-KmsEnrollment -BackupPath. The
    default is the folder beside the database folder named after it with
    .kmsdb-backup appended. Restore also writes its own backup there.

    .PARAMETER AllowChangedSinceReset
    Also restores records that have changed since the reset being undone,
    which loses those changes (they stay in the restore's own backup).

    .PARAMETER Force
    Asks for no confirmation, like -Confirm:$false. It changes nothing else.

    .PARAMETER AllowServiceRunning
    Restores even while the Exchange KMS service runs on the database's
    server, with a warning; without it such a restore is refused
    (KmsServiceRunning).

    .PARAMETER LockTimeout
    Seconds to wait while another run holds the database lock, before the
    call fails with KmsDatabaseLocked. The default is 30; 0 fails at once.

    .PARAMETER BatchSize
    How many records go to one kmsdb process at most. The default is 1000.
    The first batches are smaller (64 records, then twice as many each time),
    so that kmsdb changes records while the next batch is read.

    .PARAMETER Credential
    The account for servers that results came from by -ComputerName, when their session is gone.

    .PARAMETER ConfigurationName
    The remoting endpoint for servers that results came from by -ComputerName,
    when their session is gone.

    .PARAMETER ThrottleLimit
    How many servers are written at once. The default is 32.

    .EXAMPLE
    $done = Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected | Reset-KmsEnrollment
    $done | Restore-KmsEnrollment

    Resets the stuck records, then puts every one of them back as it was, after confirmation.

    .EXAMPLE
    $sessions = New-PSSession -ComputerName kms01, kms02
    $done = Get-KmsRecord -Session $sessions -Affected | Reset-KmsEnrollment -Confirm:$false
    $done | Restore-KmsEnrollment -Confirm:$false

    Undoes the resets of several servers, each on its own server, in one batch per server.

    .EXAMPLE
    Restore-KmsEnrollment -LogPath 'D:\exchsrvr\Security\Mgrent\Clients.kmsdb-backup\kmsdb-audit.log' -Id Mxclfr4zqvktn -WhatIf

    Shows which backup the latest logged reset of record Mxclfr4zqvktn would be restored from, and changes nothing.

    .EXAMPLE
    $log = 'D:\exchsrvr\Security\Mgrent\Clients.kmsdb-backup\kmsdb-audit.log'
    Get-Content -LiteralPath $log -Encoding UTF8 | ConvertFrom-Json | Where-Object { ([datetime]$_.time).ToLocalTime() -ge [datetime]'2026-11-25' } | Restore-KmsEnrollment -Confirm:$false

    Undoes the resets that the audit log records from a given day on, local time. The log's times are
    UTC; the cast and ToLocalTime() make each a local time in both editions: Windows PowerShell 5.1's
    ConvertFrom-Json leaves time a string (which the cast makes local time), PowerShell 7's makes it
    a UTC time (which the cast leaves UTC).

    .EXAMPLE
    Restore-KmsEnrollment -BackupPath 'D:\exchsrvr\Security\Mgrent\Clients.kmsdb-backup\Mxclfr4zqvktn.ini.20261125T101500123Z.bak'

    Puts one record back from one backup; the record is the one the backup is named for.

    .EXAMPLE
    Restore-KmsEnrollment -LogPath 'E:\KmsBackups\kms-audit.log' -BackupFolder 'E:\KmsBackups' -Id Mxclfr4zqvktn

    Undoes a reset that was given its own backup folder and log (Reset-KmsEnrollment -BackupPath
    'E:\KmsBackups' -LogPath 'E:\KmsBackups\kms-audit.log'): the backups are looked for in that folder.

    .EXAMPLE
    Restore-KmsEnrollment -LogPath 'D:\exchsrvr\Security\Mgrent\Clients.kmsdb-backup\kmsdb-audit.log' -Id Mxclfr4zqvktn -AllowChangedSinceReset

    Puts record Mxclfr4zqvktn back although it has changed since its reset (KmsRecordChangedSinceReset
    without the switch). The changes made since are lost from the record, and kept in the restore's own backup.

    .INPUTS
    KmsEnrollment.ResetResult, audit-log entries, or any object with BackupPath (and optionally Path, Sha256Before, Sha256After and Sha256) properties.

    .OUTPUTS
    KmsEnrollment.RestoreResult

    .LINK
    about_KmsEnrollment

    .LINK
    Reset-KmsEnrollment
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Log')]
    [OutputType('KmsEnrollment.RestoreResult')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Backup', ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $BackupPath,

        [Parameter(ParameterSetName = 'Backup', ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'Log')]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Path,

        [Parameter(ParameterSetName = 'Backup', ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Sha256Before,

        [Parameter(ParameterSetName = 'Backup', ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Sha256After,

        # Never empty: a hash that came back empty must not mean "no pin".
        [Parameter(ParameterSetName = 'Backup', ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $Sha256,

        [Parameter(Mandatory, ParameterSetName = 'Log')]
        [Parameter(ParameterSetName = 'Backup')]
        [ValidateNotNullOrEmpty()]
        [string] $LogPath,

        [Parameter(ParameterSetName = 'Log')]
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
        [string[]] $Id,

        [ValidateNotNullOrEmpty()]
        [string] $BackupFolder,

        [switch] $AllowChangedSinceReset,

        [switch] $AllowServiceRunning,

        [switch] $Force,

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
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
        $request = [ordered]@{}
        $remote = @{}
        if ($AllowChangedSinceReset) { $request['force'] = $true; $remote['AllowChangedSinceReset'] = $true }
        if ($BackupFolder) { $request['backupDir'] = Resolve-KmsOutputPath -Cmdlet $PSCmdlet -Path $BackupFolder -Parameter 'BackupFolder'; $remote['BackupFolder'] = $BackupFolder }
        $pending = Initialize-KmsChangeQueue -Command restore -Cmdlet $PSCmdlet -Request $request -RemoteParameters $remote -BatchSize $BatchSize -ThrottleLimit $ThrottleLimit
        # -Path given on the command line: bound before begin, while a piped item's path binds to it item by item.
        $pathGiven = $PSBoundParameters.ContainsKey('Path')
        $givenPath = $Path
        $givenDatabase = $null
        # An empty -Path ($cfg.Database misspelt) names nothing: read as no -Path, it would restore what the
        # input or the log names instead. It stops the call.
        $refuseEmptyPath = {
            param([string] $Names, [string] $Otherwise)
            Write-KmsError -Cmdlet $PSCmdlet -Message ('-Path is empty, so it names no {0}. Nothing was changed. Name the {0}, or leave -Path out{1}.' -f $Names, $Otherwise) -ErrorId 'KmsPathNotResolved' -Category 'InvalidArgument' -TargetObject $Path -ExceptionType 'System.ArgumentException' -Terminating
        }
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'Log') { return }
        $done = $false
        try {
            if ($null -ne $_ -and $_ -isnot [string] -and $_.PSObject.Properties['event']) {
                # kmsdb chooses which lines count (the latest reset of each record that did not fail, made on
                # this computer); the module only routes them, by the database folder of each.
                $entry = ConvertTo-KmsLogEntry -Entry $_
                $fields = [ordered]@{}
                foreach ($name in 'event', 'id', 'backupPath', 'sha256Before', 'sha256After', 'host') { if ($null -ne $entry.$name) { $fields[$name] = $entry.$name } }
                # The record's hash when this restore was decided: -Sha256 (given, or bound from the entry's sha256, as
                # Confirm-KmsRemotePlan sends it), else the entry's own sha256 property.
                $pin = $Sha256
                if (-not $pin -and $_.PSObject.Properties['sha256'] -and $_.sha256) { $pin = [string]$_.sha256 }
                if ($pin) { $fields['sha256'] = $pin }
                if (-not $entry.path -or -not $entry.backupPath) {
                    Write-KmsError -Cmdlet $PSCmdlet -Message 'The audit-log entry names no record or no backup, so there is nothing to restore from it.' -ErrorId 'KmsBackupNotFound' -Category ObjectNotFound -TargetObject $_
                } elseif ($pathGiven -and $entry.KmsOrigin) {
                    Write-KmsError -Cmdlet $PSCmdlet -Message ('-Path names a database folder of this computer, and this audit-log entry is {0}''s: nothing was restored from it. Restore there with -Path, or leave -Path out.' -f $entry.KmsOrigin.Name) -ErrorId 'KmsRestoreRecordUnknown' -Category InvalidArgument -TargetObject $_ -ExceptionType 'System.ArgumentException'
                } else {
                    if ($pathGiven -and $null -eq $givenDatabase) {
                        # The admin named one database, as with -LogPath -Path: the entries go to its kmsdb run, and
                        # kmsdb restores only that database's records (a shared log names other databases' too).
                        if (-not $givenPath) { & $refuseEmptyPath 'database folder' '' }
                        $givenDatabase = Resolve-KmsOutputPath -Cmdlet $PSCmdlet -Path $givenPath -Parameter 'Path'
                    }
                    Add-KmsChangeItem -Queue $pending -Cmdlet $PSCmdlet -Path $entry.path -Database $givenDatabase -Fields $fields -InputObject $_ -Origin $entry.KmsOrigin -RealPath:(Test-KmsRealPath -Path $entry.path -Logged)
                }
            } else {
                # The item's own -Path: a script block (-Path { $_.Record }) is bound item by item.
                if ($pathGiven -and -not $Path) { & $refuseEmptyPath 'record file' ' to restore the record each backup was taken from' }
                if (-not $pathGiven -and -not $Path -and $null -ne $_ -and $_ -isnot [string] -and $_.PSObject.Properties['Path']) {
                    # An item's empty Path (a CSV column left blank) names no record either: this item only.
                    Write-KmsError -Cmdlet $PSCmdlet -Message ('The item''s Path is empty, so it names no record file; nothing was restored from {0}. Give the record''s path, or leave the Path property out to restore the record the backup was taken from.' -f $BackupPath) -ErrorId 'KmsPathNotResolved' -Category 'InvalidArgument' -TargetObject $_ -ExceptionType 'System.ArgumentException'
                } else {
                    Add-KmsRestoreItem -Queue $pending -Cmdlet $PSCmdlet -BackupPath $BackupPath -Path $Path -Sha256Before $Sha256Before -Sha256After $Sha256After -Sha256 $Sha256 -InputObject $_ -Origin (Get-KmsRecordOrigin -Record $_) -RealPath:((Test-KmsRealPath -InputObject $_ -Path $BackupPath -Property BackupPath) -and (-not $Path -or (Test-KmsRealPath -InputObject $_ -Path $Path)))
                }
            }
            $done = $true
        } finally {
            # A stopped pipeline: the batch kmsdb is changing finishes its changes, and nothing more is emitted.
            if (-not $done) { Complete-KmsChangeRun -Queue $pending -Stopping }
        }
    }

    end {
        $done = $false
        try {
            if ($PSCmdlet.ParameterSetName -eq 'Log') {
                # kmsdb reads the log (bounded, validated), chooses what to undo and plans it; without -Path,
                # every database the log names.
                $database = ''
                if ($pathGiven -and -not $Path) { & $refuseEmptyPath 'database folder' '' }
                if ($Path) { $database = Resolve-KmsOutputPath -Cmdlet $PSCmdlet -Path $Path -Parameter 'Path' }
                $select = [ordered]@{ fromLog = $pending.Options.Request['log'] }
                if ($Id) { $select['id'] = [string[]]$Id }
                Invoke-KmsChange -Queue $pending -Cmdlet $PSCmdlet -Database $database -Select $select -TargetObject $LogPath
            }
            Send-KmsChangeQueue -Queue $pending -Cmdlet $PSCmdlet
            $done = $true
        } finally {
            if (-not $done) { Complete-KmsChangeRun -Queue $pending -Stopping }
        }
    }
}
