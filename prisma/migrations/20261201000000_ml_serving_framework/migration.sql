-- AlterEnum
ALTER TYPE "Framework" ADD VALUE 'ml_serving';
