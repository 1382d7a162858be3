function Write-KmsRefusal {
    <#
    .SYNOPSIS
    Writes the error for a record kmsdb refused: a stable ErrorId and a specific category per refusal code, the record as target.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [psobject] $Result,

        [AllowNull()]
        [object] $TargetObject
    )
    $map = @{
        'has-certificates'    = @('KmsRecordHasCertificates', 'InvalidOperation')
        'unexpected-state'    = @('KmsRecordNotAffected', 'InvalidOperation')
        'no-state'            = @('KmsRecordNotAffected', 'InvalidData')
        'unusual-state-value' = @('KmsRecordUnusualState', 'InvalidData')
        'ambiguous'           = @('KmsRecordAmbiguous', 'InvalidData')
        'empty'               = @('KmsRecordInvalidContent', 'InvalidData')
        'binary'              = @('KmsRecordInvalidContent', 'InvalidData')
        'unreadable'          = @('KmsRecordUnreadable', 'ReadError')
        'not-found'           = @('KmsRecordNotFound', 'ObjectNotFound')
        'not-a-record'        = @('KmsRecordNotARecord', 'InvalidArgument')
        'outside-database'    = @('KmsRecordOutsideDatabase', 'SecurityError')
        'changed-since-read'  = @('KmsRecordChanged', 'InvalidOperation')
        'read-only'           = @('KmsRecordReadOnly', 'PermissionDenied')
        'backup-failed'       = @('KmsBackupFailed', 'WriteError')
        'write-failed'        = @('KmsWriteFailed', 'WriteError')
        'too-large'           = @('KmsRecordTooLarge', 'InvalidData')
        'ambiguous-name'      = @('KmsRecordNameAmbiguous', 'InvalidArgument')
        'backup-outside'      = @('KmsBackupOutsideBackupFolder', 'SecurityError')
        'backup-mismatch'     = @('KmsBackupMismatch', 'InvalidData')
        'backup-not-a-record' = @('KmsBackupNotARecord', 'InvalidData')
        'changed-since-reset' = @('KmsRecordChangedSinceReset', 'InvalidOperation')
        'no-backup'           = @('KmsBackupNotFound', 'ObjectNotFound', 'System.IO.FileNotFoundException')
        'not-logged'          = @('KmsRestoreNotFound', 'ObjectNotFound')
        'other-computer'      = @('KmsRestoreOtherComputer', 'InvalidOperation')
    }
    # The switch that lifts a refusal, by the name kmsdb gives it (schemas/reset-result.schema.json).
    $overrides = @{
        allowNumSCerts = @('-AllowNumSCerts', 'reset')
        allowAmbiguous = @('-AllowAmbiguous', 'reset')
        force          = @('-AllowChangedSinceReset', 'restore')
    }
    $entry = $map[[string]$Result.code]
    if (-not $entry) { $entry = @('KmsRecordRefused', 'NotSpecified') }
    # A record's name may hold control characters (on Linux): the message shows them escaped, as a prompt does.
    $message = [string]$Result.message
    if ($Result.PSObject.Properties['path']) { $message = '{0}: {1}' -f $Result.path, $message }
    $message = ConvertTo-KmsPrintable -Text $message
    if ($Result.PSObject.Properties['override'] -and $overrides.ContainsKey([string]$Result.override)) {
        $lift = $overrides[[string]$Result.override]
        $message = '{0} Use {1} to {2} it anyway.' -f $message, $lift[0], $lift[1]
    }
    $action = switch ($Result.code) {
        'has-certificates' { 'The user has enrolled. Use -AllowNumSCerts only if the KMS administrator has decided to give up those certificates.' }
        'changed-since-read' { 'Read the record again with Get-KmsRecord, then retry.' }
        'backup-outside' { 'If the reset was given -BackupPath (and -LogPath), pass that folder to Restore-KmsEnrollment as -BackupFolder (and the log as -LogPath).' }
        'ambiguous' { 'Inspect the file: State or NumSCerts occurs more than once. Fix it by hand, with a backup, or use -AllowAmbiguous where only the section differs.' }
        'read-only' { 'The record file is read-only, so it was not changed. Find out who set the attribute (KMS, a backup or hardening tool); if it was not deliberate, clear it (Set-ItemProperty -LiteralPath <file> -Name IsReadOnly -Value $false) and run {0} again.' -f $Cmdlet.MyInvocation.MyCommand.Name }
        'not-a-record' { 'Name a record file: a .ini file directly in the database folder (Security\Mgrent\Clients). For a whole database, use Get-KmsRecord -Path <database folder> -Affected | Reset-KmsEnrollment; for one user, Reset-KmsEnrollment -Path <database folder> -Mailbox <name>.' }
        'other-computer' { 'Restore it on the computer that reset it, for example with Invoke-Command -ComputerName.' }
        'not-found' { 'Check the spelling; Get-KmsRecord -Path <database folder> -Mailbox ''<first letters>*'' lists the mailboxes that start with them. Where files could not be read, Get-KmsRecord -Path <database folder> lists each with why.' }
        'not-logged' { 'Check -Id and -Path against the audit log, or name the backup with -BackupPath.' }
        'changed-since-reset' { 'The user may have enrolled since the reset: check the record. Use -AllowChangedSinceReset only to put the old bytes back all the same.' }
        default { 'See about_KmsEnrollment for what each refusal means.' }
    }
    # The exception is what a catch block tells errors apart by: a missing backup is a FileNotFoundException, as the module's own check makes it.
    $exceptionType = if ($entry.Count -gt 2) { $entry[2] } else { 'System.InvalidOperationException' }
    Write-KmsError -Cmdlet $Cmdlet -Message $message -ErrorId $entry[0] -Category $entry[1] -TargetObject $TargetObject -RecommendedAction $action -ExceptionType $exceptionType
}
