package dev.adjoint;

import org.nd4j.linalg.api.buffer.DataType;

/** Element types a {@link Tensor} can hold: float32 (the default) and float64 (gradient checks, conformance). */
public enum DType {
    FLOAT32(DataType.FLOAT, "float32"),
    FLOAT64(DataType.DOUBLE, "float64");

    private final DataType nd4j;
    private final String label;

    DType(DataType nd4j, String label) {
        this.nd4j = nd4j;
        this.label = label;
    }

    /** The matching ND4J data type. */
    public DataType nd4j() {
        return nd4j;
    }

    /** Maps an ND4J data type back; anything but FLOAT and DOUBLE is rejected. */
    public static DType of(DataType type) {
        switch (type) {
            case FLOAT: return FLOAT32;
            case DOUBLE: return FLOAT64;
            default: throw new IllegalArgumentException("unsupported data type " + type + ": adjoint tensors are float32 or float64");
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
