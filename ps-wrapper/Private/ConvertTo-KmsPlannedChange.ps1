function ConvertTo-KmsPlannedChange {
    <#
    .SYNOPSIS
    One item of kmsdb's plan (a record it would change, or leave unchanged) as a KmsEnrollment.PlannedChange, for the computer that asks about it (Get-KmsChangePlan).

    .DESCRIPTION
    Index is the position of the input among those that computer sent
    (KmsPlanIndex), which is how it finds its own input object again; the
    hashes are those the record (and a restore's backup) were planned on.
    #>
    # A plain function: it runs for every planned record.
    param(
        [psobject] $Plan,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $Mailbox,

        [AllowNull()]
        [object] $InputObject
    )
    $index = $null
    if ($null -ne $InputObject -and $InputObject -isnot [string] -and $InputObject.PSObject.Properties['KmsPlanIndex']) { $index = [int]$InputObject.KmsPlanIndex }
    $fields = [ordered]@{ PSTypeName = 'KmsEnrollment.PlannedChange'; Index = $index; Status = [string]$Plan.status; Mailbox = $Mailbox }
    # Under Set-StrictMode a property kmsdb left out is read through PSObject: null.
    foreach ($name in 'id', 'path', 'sha256Before', 'sha256After', 'restoredFrom', 'previousState', 'state', 'message') {
        $value = $Plan.PSObject.Properties[$name]
        $fields[$name.Substring(0, 1).ToUpperInvariant() + $name.Substring(1)] = $(if ($value) { $value.Value })
    }
    [PSCustomObject]$fields
}
