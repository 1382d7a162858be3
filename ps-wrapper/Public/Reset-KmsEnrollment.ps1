function Reset-KmsEnrollment {
    <#
    .SYNOPSIS
    Applies the KB Q198709 fix: changes a stuck KMS record's State from 4 (Recovery) to 1 (Undefined).

    .DESCRIPTION
    Reset-KmsEnrollment fixes the records that Get-KmsRecord reports as
    Affected, so that the users can enroll in advanced security again. Only the
    State value's character changes; every other byte of the file stays as it
    was. Before each change the record is backed up (outside the database
    folder), the change is an atomic replace, one lock per database keeps other
    runs out, and every change is written to an audit log.

    Records are refused, as non-terminating errors, when they are not safe to
    change: State 4 with NumSCerts (unless -Force), any other State, State
    written more than once, empty or binary files, read-only files, files
    outside the database folder, and records that changed since they were read.
    A record already in State 1 is reported Unchanged, so running twice is safe.

    Piped records are sent to kmsdb in batches (-BatchSize), one process per
    batch and database folder; results stream out as they are made.

    Records read on other servers (Get-KmsRecord -ComputerName or -Session)
    go back to the server each came from, through the same session when it is
    still open, batched per server; there Reset-KmsEnrollment runs with
    -Confirm:$false after this computer has asked. On Windows it warns before
    writing when the Exchange KMS service (MSExchangeKMS) is running.

    .PARAMETER Path
    With pipeline input, the record file (bound from the Path property of
    Get-KmsRecord output). With -Mailbox, the database folder to search.

    .PARAMETER Sha256
    The hash of the record as it was read (bound from Get-KmsRecord output). A
    record whose file no longer has this hash is refused (KmsRecordChanged).

    .PARAMETER Mailbox
    Finds the records to reset by mailbox, as Get-KmsRecord -Mailbox does, in
    the database folder given by -Path.

    .PARAMETER Force
    Resets records in State 4 that have NumSCerts too, and asks for no
    confirmation. It never allows anything else that is refused.

    .PARAMETER BackupPath
    The folder for backups. The default is a folder beside the database folder,
    named after it with .kmsdb-backup appended.

    .PARAMETER LogPath
    The audit log file. The default is kmsdb-audit.log in the backup folder.

    .PARAMETER BatchSize
    How many records go to one kmsdb process. The default is 200.

    .PARAMETER Credential
    The account for servers that records came from by -ComputerName, when their session is gone.

    .PARAMETER ThrottleLimit
    How many servers are written at once. The default is 32.

    .EXAMPLE
    Get-KmsRecord -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Affected | Reset-KmsEnrollment

    The whole KB procedure: finds every stuck record and resets each after confirmation.

    .EXAMPLE
    Reset-KmsEnrollment -Path 'D:\exchsrvr\Security\Mgrent\Clients' -Mailbox jdoe -WhatIf

    Shows what resetting jdoe's record would do, and changes nothing.

    .EXAMPLE
    Get-KmsRecord -Path $clients -Affected | Reset-KmsEnrollment -Confirm:$false -LogPath 'D:\Logs\kms-reset.log' -ErrorVariable refused

    Resets without prompting (for a scheduled task), logging to a chosen file and collecting refused records in $refused.

    .EXAMPLE
    Get-KmsRecord -Path $clients -Mailbox asmith | Reset-KmsEnrollment -Force

    Resets asmith's record even though it has NumSCerts, without prompting.

    .EXAMPLE
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
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Record')]
    [OutputType('KmsEnrollment.ResetResult')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Record', ValueFromPipelineByPropertyName)]
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Mailbox')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(ParameterSetName = 'Record', ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Sha256,

        [Parameter(Mandatory, ParameterSetName = 'Mailbox')]
        [SupportsWildcards()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Mailbox,

        [switch] $Force,

        [ValidateNotNullOrEmpty()]
        [string] $BackupPath,

        [ValidateNotNullOrEmpty()]
        [string] $LogPath,

        [ValidateRange(1, 10000)]
        [int] $BatchSize = 200,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [ValidateRange(1, 1000)]
        [int] $ThrottleLimit = 32
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
        # Pending records per database folder; each entry keeps the input object for error records.
        $batches = [ordered]@{}
        # Pending records per remote origin (session or computer): the objects the remote cmdlet binds.
        $remoteBatches = [ordered]@{}
        $origins = @{}
        # A table, not a variable: the script blocks below run in scopes of their own.
        $state = @{ Warned = $false }
        $fileSystemPath = {
            param([string] $Literal)
            $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Literal)
        }

        $flush = {
            param([string] $Database)
            $batch = $batches[$Database]
            if ($batch.Count -eq 0) { return }
            if (-not $state.Warned) {
                $state.Warned = $true
                if (Test-KmsServiceRunning) {
                    Write-Warning ('The Exchange KMS service (MSExchangeKMS) is running on {0}. Its documentation asks for it to be stopped before the database is changed.' -f [Environment]::MachineName)
                }
            }
            $batches[$Database] = New-Object System.Collections.Generic.List[object]
            $request = [ordered]@{
                command  = 'reset'
                path     = $Database
                records  = @($batch | ForEach-Object { $_.Request })
                force    = [bool]$Force
                format   = 'ndjson'
                progress = $true
            }
            if ($BackupPath) { $request['backupDir'] = & $fileSystemPath $BackupPath }
            if ($LogPath) { $request['log'] = & $fileSystemPath $LogPath }
            # kmsdb answers each request in order, so result i belongs to batch entry i.
            $index = 0
            Invoke-Kmsdb -Request $request -Cmdlet $PSCmdlet -TargetObject $Database | ForEach-Object {
                $entry = $batch[$index]
                $index++
                if ($_.status -eq 'skipped' -or $_.status -eq 'failed') {
                    $PSCmdlet.WriteError((New-KmsRefusal -Result $_ -TargetObject $entry.Input))
                } else {
                    ConvertTo-KmsResetResult -Result $_ -Mailbox $entry.Mailbox
                }
            }
        }

        $flushRemote = {
            param([string] $Key)
            $items = $remoteBatches[$Key]
            if ($items.Count -eq 0) { return }
            $remoteBatches[$Key] = New-Object System.Collections.Generic.List[object]
            $origin = $origins[$Key]
            $parameters = @{ Confirm = $false; BatchSize = $BatchSize }
            if ($Force) { $parameters['Force'] = $true }
            if ($BackupPath) { $parameters['BackupPath'] = $BackupPath }
            if ($LogPath) { $parameters['LogPath'] = $LogPath }
            $where = @{ ComputerName = $origin.ComputerName; Session = $origin.Session; ThrottleLimit = $ThrottleLimit }
            if ($null -eq $origin.Session -and $Credential) { $where['Credential'] = $Credential }
            Invoke-KmsRemote -Command 'Reset-KmsEnrollment' -Parameters $parameters -InputObject $items.ToArray() @where
        }

        $addRemote = {
            param([object] $Origin, [string] $RecordPath, [string] $Hash, [string] $Name)
            $target = '{0}: {1}' -f $Origin.Name, $RecordPath
            if ($Name) { $target = '{0}: {1} ({2})' -f $Origin.Name, $Name, $RecordPath }
            if (-not $PSCmdlet.ShouldProcess($target, 'Reset KMS enrollment: State 4 (Recovery) to 1 (Undefined)')) { return }
            if (-not $remoteBatches.Contains($Origin.Key)) {
                $remoteBatches[$Origin.Key] = New-Object System.Collections.Generic.List[object]
                $origins[$Origin.Key] = $Origin
            }
            $remoteBatches[$Origin.Key].Add([PSCustomObject]@{ Path = $RecordPath; Sha256 = $Hash })
            if ($remoteBatches[$Origin.Key].Count -ge $BatchSize) { & $flushRemote $Origin.Key }
        }

        $add = {
            param([string] $RecordPath, [string] $Hash, [object] $InputObject, [string] $Name)
            $file = & $fileSystemPath $RecordPath
            $target = $file
            if ($Name) { $target = '{0} ({1})' -f $Name, $file }
            if (-not $PSCmdlet.ShouldProcess($target, 'Reset KMS enrollment: State 4 (Recovery) to 1 (Undefined)')) { return }
            $database = [System.IO.Path]::GetDirectoryName($file)
            if (-not $batches.Contains($database)) { $batches[$database] = New-Object System.Collections.Generic.List[object] }
            $item = [ordered]@{ path = $file }
            if ($Hash) { $item['sha256'] = $Hash }
            $batches[$database].Add([PSCustomObject]@{ Request = $item; Input = $InputObject; Mailbox = $Name })
            if ($batches[$database].Count -ge $BatchSize) { & $flush $database }
        }
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'Mailbox') {
            $database = & $fileSystemPath $Path
            $found = Invoke-Kmsdb -Request ([ordered]@{ command = 'get'; path = @($database); mailbox = [string[]]$Mailbox; format = 'ndjson'; progress = $true }) -Cmdlet $PSCmdlet -TargetObject $database
            foreach ($record in @($found | ConvertTo-KmsRecord)) {
                & $add $record.Path $record.Sha256 $record $record.Mailbox
            }
            return
        }
        $current = $_
        $name = $null
        if ($null -ne $current -and $current.PSObject.Properties['Mailbox']) { $name = [string]$current.Mailbox }
        $origin = Get-KmsRecordOrigin -Record $current
        if ($origin) {
            & $addRemote $origin $Path $Sha256 $name
            return
        }
        if ($null -eq $current) { $current = $Path }
        & $add $Path $Sha256 $current $name
    }

    end {
        foreach ($database in @($batches.Keys)) { & $flush $database }
        foreach ($key in @($remoteBatches.Keys)) { & $flushRemote $key }
    }
}
