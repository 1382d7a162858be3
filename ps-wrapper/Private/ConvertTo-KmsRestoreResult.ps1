function ConvertTo-KmsRestoreResult {
    <#
    .SYNOPSIS
    A kmsdb restore result (schemas/reset-result.schema.json) as a KmsEnrollment.RestoreResult object.
    #>
    [CmdletBinding()]
    [OutputType('KmsEnrollment.RestoreResult')]
    param(
        [Parameter(Mandatory)]
        [psobject] $Result,

        [AllowNull()]
        [string] $Mailbox,

        # The backup the record was restored from, as the input named it.
        [AllowNull()]
        [string] $RestoredFrom
    )
    $status = (Get-Culture).TextInfo.ToTitleCase([string]$Result.status)
    if ($status -eq 'Whatif') { $status = 'WhatIf' }
    $name = $Result.mailbox
    if (-not $name) { $name = $Mailbox }
    [PSCustomObject]@{
        PSTypeName    = 'KmsEnrollment.RestoreResult'
        Id            = $Result.id
        Mailbox       = $name
        Status        = $status
        PreviousState = $Result.previousState
        State         = $Result.state
        RestoredFrom  = $RestoredFrom
        # The backup of what the restore replaced: piped to Restore-KmsEnrollment, it redoes the change.
        BackupPath    = $Result.backupPath
        Message       = $Result.message
        Path          = $Result.path
        Sha256Before  = $Result.sha256Before
        Sha256After   = $Result.sha256After
        ComputerName  = Get-KmsComputerName
    }
}
