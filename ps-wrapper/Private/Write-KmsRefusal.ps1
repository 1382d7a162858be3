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
        'no-backup'           = @('KmsBackupNotFound', 'ObjectNotFound')
    }
    $entry = $map[[string]$Result.code]
    if (-not $entry) { $entry = @('KmsRecordRefused', 'NotSpecified') }
    # kmsdb speaks of its own options; here the cmdlet's are the ones to name.
    $message = '{0}: {1}' -f $Result.path, ($Result.message -replace '--allow-numscerts', '-AllowNumSCerts' -replace '--allow-ambiguous', '-AllowAmbiguous')
    $action = switch ($Result.code) {
        'has-certificates' { 'The user has enrolled. Use -AllowNumSCerts only if the KMS administrator has decided to give up those certificates.' }
        'changed-since-read' { 'Read the record again with Get-KmsRecord, then retry.' }
        'backup-outside' { 'If the reset was given -BackupPath (and -LogPath), pass that folder to Restore-KmsEnrollment as -BackupFolder (and the log as -LogPath).' }
        'ambiguous' { 'Inspect the file: State or NumSCerts occurs more than once. Fix it by hand, with a backup, or use -AllowAmbiguous where only the section differs.' }
        default { 'See about_KmsEnrollment for what each refusal means.' }
    }
    Write-KmsError -Cmdlet $Cmdlet -Message $message -ErrorId $entry[0] -Category $entry[1] -TargetObject $TargetObject -RecommendedAction $action
}
