function Add-KmsRestoreItem {
    <#
    .SYNOPSIS
    Queues one thing to restore (a reset's result, an audit-log entry, or a backup named by hand) after ShouldProcess.

    .DESCRIPTION
    Without a record path, the record is the one the backup is named for
    (NAME.ini.TIMESTAMP.bak is NAME.ini): in -Path when that is a folder, else
    in the database folder whose default backup folder (name.kmsdb-backup)
    holds the backup. kmsdb checks the rest: that the backup is in the backup
    folder, is named for the record, and has the logged hash.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [hashtable] $Queue,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $BackupPath,

        # The record file, or the database folder that holds it.
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Path,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $Sha256Before,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $Sha256After,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $Sha256,

        [AllowNull()]
        [object] $InputObject,

        [AllowNull()]
        [object] $Origin,

        # -BackupPath and -Path are real file-system paths (Test-KmsRealPath): taken as they are, not resolved where the caller stands.
        [switch] $RealPath
    )
    if (-not $BackupPath) {
        $status = $null
        if ($null -ne $InputObject -and $InputObject -isnot [string] -and $InputObject.PSObject.Properties['Status']) { $status = [string]$InputObject.Status }
        if ($status -in @('Unchanged', 'WhatIf')) {
            $Cmdlet.WriteVerbose((ConvertTo-KmsPrintable -Text ('Nothing to restore for {0}: the reset changed nothing ({1}).' -f $Path, $status)))
            return
        }
        $message = 'The input names no backup, so there is nothing to restore from it.'
        if ($Path) { $message = '{0}: the input names no backup, so there is nothing to restore it from.' -f (ConvertTo-KmsPrintable -Text $Path) }
        Write-KmsError -Cmdlet $Cmdlet -Message $message -ErrorId 'KmsBackupNotFound' -Category ObjectNotFound -TargetObject $InputObject
        return
    }
    $backup = $BackupPath
    # What an error names when -BackupPath came as a parameter.
    if ($null -eq $InputObject) { $InputObject = $BackupPath }
    if (-not $Origin -and -not $RealPath) {
        # Resolved where the caller stands, so that a PSDrive made in the caller's function is seen.
        $found = Resolve-KmsCallerPath -Cmdlet $Cmdlet -Path $BackupPath
        if ($found.Error) { Write-KmsPathError -Cmdlet $Cmdlet -Path $BackupPath -Literal; return }
        if ($found.Provider -ne 'FileSystem') { Write-KmsError -Cmdlet $Cmdlet -Message "'$BackupPath' is not a file-system path; backups are files on disk." -ErrorId 'KmsPathNotFileSystem' -Category 'InvalidArgument' -ExceptionType 'System.ArgumentException' -TargetObject $InputObject; return }
        $backup = $found.Paths[0]
    }
    if (-not $Origin -and (Test-Path -LiteralPath $backup -PathType Container)) {
        Write-KmsError -Cmdlet $Cmdlet -Message ('{0} is a folder: -BackupPath names one backup file. To name the backup folder, as Reset-KmsEnrollment -BackupPath does, use -BackupFolder.' -f $backup) -ErrorId 'KmsRestoreRecordUnknown' -Category InvalidArgument -TargetObject $InputObject -ExceptionType 'System.ArgumentException'
        return
    }
    # Without a record, kmsdb restores the one the backup is named for (NAME.ini.TIMESTAMP.bak is
    # NAME.ini); the module only finds the database folder: -Path when that is a folder, else the one
    # whose default backup folder (FOLDER.kmsdb-backup) holds the backup.
    $record = $Path
    if ($record -and -not $Origin -and -not $RealPath) {
        $found = Resolve-KmsCallerPath -Cmdlet $Cmdlet -Path $record
        if ($found.Error) { Write-KmsPathError -Cmdlet $Cmdlet -Path $record -Literal; return }
        if ($found.Provider -ne 'FileSystem') { Write-KmsError -Cmdlet $Cmdlet -Message "'$record' is not a file-system path; KMS databases are folders on disk." -ErrorId 'KmsPathNotFileSystem' -Category 'InvalidArgument' -ExceptionType 'System.ArgumentException' -TargetObject $InputObject; return }
        $record = $found.Paths[0]
    }
    $folder = $null
    if (-not $record) {
        $backupFolder = Split-Path -Path $backup -Parent
        if ($backupFolder -match '^(.+)\.kmsdb-backup$') { $folder = $Matches[1] }
        if (-not $folder -and -not (Test-Path -LiteralPath $backup -PathType Leaf)) {
            # Nothing to name the database by: say what is wrong with the path itself, as kmsdb would (no-backup).
            Write-KmsError -Cmdlet $Cmdlet -Message ('{0} does not exist, so there is nothing to restore from it.' -f (ConvertTo-KmsPrintable -Text $backup)) -ErrorId 'KmsBackupNotFound' -Category ObjectNotFound -TargetObject $InputObject -ExceptionType 'System.IO.FileNotFoundException'
            return
        }
        if (-not $folder) {
            Write-KmsError -Cmdlet $Cmdlet -Message ('{0} is not in a default backup folder (FOLDER.kmsdb-backup); name the record or its database folder with -Path.' -f $backup) -ErrorId 'KmsRestoreRecordUnknown' -Category InvalidArgument -TargetObject $InputObject -ExceptionType 'System.ArgumentException'
            return
        }
    } elseif (-not $Origin -and (Test-Path -LiteralPath $record -PathType Container)) {
        $folder = $record
        $record = ''
    }
    $fields = [ordered]@{ backupPath = $backup }
    if ($Sha256Before) { $fields['sha256Before'] = $Sha256Before }
    if ($Sha256After) { $fields['sha256After'] = $Sha256After }
    if ($Sha256) { $fields['sha256'] = $Sha256 }
    $mailbox = $null
    if ($null -ne $InputObject -and $InputObject -isnot [string] -and $InputObject.PSObject.Properties['Mailbox']) { $mailbox = [string]$InputObject.Mailbox }
    Add-KmsChangeItem -Queue $Queue -Cmdlet $Cmdlet -Path $record -Database $folder -Fields $fields -ResultData @{ RestoredFrom = $backup } -InputObject $InputObject -Mailbox $mailbox -Origin $Origin -RealPath:$RealPath
}
