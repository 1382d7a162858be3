function ConvertTo-KmsChangeResult {
    <#
    .SYNOPSIS
    A kmsdb reset or restore result (schemas/reset-result.schema.json) as a KmsEnrollment.ResetResult or KmsEnrollment.RestoreResult object.
    #>
    [CmdletBinding()]
    [OutputType('KmsEnrollment.ResetResult', 'KmsEnrollment.RestoreResult')]
    param(
        [Parameter(Mandatory)]
        [psobject] $Result,

        [Parameter(Mandatory)]
        [ValidateSet('KmsEnrollment.ResetResult', 'KmsEnrollment.RestoreResult')]
        [string] $TypeName,

        [AllowNull()]
        [string] $Mailbox,

        # A restore's: the backup the record was restored from, as the input named it.
        [AllowNull()]
        [string] $RestoredFrom
    )
    $status = (Get-Culture).TextInfo.ToTitleCase([string]$Result.status)
    if ($status -eq 'Whatif') { $status = 'WhatIf' }
    $name = $Result.mailbox
    if (-not $name) { $name = $Mailbox }
    $properties = [ordered]@{
        PSTypeName    = $TypeName
        Id            = $Result.id
        Mailbox       = $name
        Status        = $status
        PreviousState = $Result.previousState
        State         = $Result.state
    }
    if ($TypeName -eq 'KmsEnrollment.RestoreResult') { $properties['RestoredFrom'] = $RestoredFrom }
    # The backup of what this change replaced; piped to Restore-KmsEnrollment, it undoes the change.
    $properties['BackupPath'] = $Result.backupPath
    $properties['Message'] = $Result.message
    $properties['Path'] = $Result.path
    $properties['Sha256Before'] = $Result.sha256Before
    $properties['Sha256After'] = $Result.sha256After
    $properties['ComputerName'] = Get-KmsComputerName
    [PSCustomObject]$properties
}
