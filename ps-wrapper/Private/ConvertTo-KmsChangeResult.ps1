function ConvertTo-KmsChangeResult {
    <#
    .SYNOPSIS
    A kmsdb reset or restore result (schemas/reset-result.schema.json) as a KmsEnrollment.ResetResult or KmsEnrollment.RestoreResult object.
    #>
    # A plain function, not an advanced one: it runs for every record, and binding an advanced function
    # costs about twice as much.
    [OutputType('KmsEnrollment.ResetResult', 'KmsEnrollment.RestoreResult')]
    param(
        [psobject] $Result,

        [ValidateSet('KmsEnrollment.ResetResult', 'KmsEnrollment.RestoreResult')]
        [string] $TypeName,

        [AllowNull()]
        [string] $Mailbox,

        # A restore's: the backup the record was restored from, as the input named it.
        [AllowNull()]
        [string] $RestoredFrom
    )
    # kmsdb's status words are one lower-case word each: Reset, Unchanged, Restored, WhatIf. .NET, not
    # Get-Culture and Get-Date: a command per result costs as much as the rest of the result.
    $status = [string]$Result.status
    if ($status) { $status = $status.Substring(0, 1).ToUpperInvariant() + $status.Substring(1) }
    if ($status -eq 'Whatif') { $status = 'WhatIf' }
    $name = $Result.mailbox
    if (-not $name) { $name = $Mailbox }
    # [int] in both editions, as ConvertTo-KmsRecord explains; null stays null.
    $previous = $Result.previousState
    if ($null -ne $previous) { $previous = [int]$previous }
    $state = $Result.state
    if ($null -ne $state) { $state = [int]$state }
    $properties = [ordered]@{
        PSTypeName    = $TypeName
        Id            = $Result.id
        Mailbox       = $name
        Alias         = $Result.alias
        Status        = $status
        PreviousState = $previous
        State         = $state
    }
    if ($TypeName -eq 'KmsEnrollment.RestoreResult') { $properties['RestoredFrom'] = $RestoredFrom }
    # The backup of what this change replaced; piped to Restore-KmsEnrollment, it undoes the change.
    $properties['BackupPath'] = $Result.backupPath
    $properties['Message'] = $Result.message
    $properties['Path'] = $Result.path
    $properties['Sha256Before'] = $Result.sha256Before
    $properties['Sha256After'] = $Result.sha256After
    $properties['ComputerName'] = Get-KmsComputerName
    # When the result was reported, in local time as Get-Date and Get-Item show it; the audit log has the exact time of the write.
    $properties['Time'] = [datetime]::Now
    [PSCustomObject]$properties
}
