function ConvertTo-KmsResetResult {
    <#
    .SYNOPSIS
    A kmsdb reset result (schemas/reset-result.schema.json) as a KmsEnrollment.ResetResult object.
    #>
    [CmdletBinding()]
    [OutputType('KmsEnrollment.ResetResult')]
    param(
        [Parameter(Mandatory)]
        [psobject] $Result,

        [AllowNull()]
        [string] $Mailbox
    )
    $status = (Get-Culture).TextInfo.ToTitleCase([string]$Result.status)
    if ($status -eq 'Whatif') { $status = 'WhatIf' }
    $name = $Result.mailbox
    if (-not $name) { $name = $Mailbox }
    [PSCustomObject]@{
        PSTypeName    = 'KmsEnrollment.ResetResult'
        Id            = $Result.id
        Mailbox       = $name
        Status        = $status
        PreviousState = $Result.previousState
        State         = $Result.state
        BackupPath    = $Result.backupPath
        Message       = $Result.message
        Path          = $Result.path
        Sha256Before  = $Result.sha256Before
        Sha256After   = $Result.sha256After
        ComputerName  = Get-KmsComputerName
    }
}
